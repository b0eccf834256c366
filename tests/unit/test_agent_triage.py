"""The local triager end to end (no broker): signals, language, sentiment, determinism."""

from __future__ import annotations

import asyncio

import pytest

from schemas import derive_event_id, ticket_id_for, utcnow
from schemas.tickets import GuardedTicket
from schemas.tools import TOOL_ARGS
from services.agent.local.model import Prediction, load_or_train
from services.agent.local.sentiment import sentiment
from services.agent.local.triager import LocalTriager, choose_language
from services.agent.local.urgency import critical_signals, with_signals
from services.agent.settings import AgentSettings


@pytest.fixture(scope="module")
def triager() -> LocalTriager:
    return LocalTriager(load_or_train(AgentSettings().model_cache_dir))


def ticket(text: str, locale: str | None = None) -> GuardedTicket:
    ticket_id = ticket_id_for("starfall", text[:40])
    return GuardedTicket(
        **GuardedTicket.envelope(
            event_id=derive_event_id(ticket_id, "t"),
            ticket_id=ticket_id,
            tenant="starfall",
            producer="test@0",
        ),
        message_id="m-1",
        player_ref="p",
        text=text,
        locale=locale,
        metadata={"platform": "switch"},
        received_at=utcnow(),
        verdict="pass",
    )


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("my account got hacked and they changed the email", "account_takeover"),
        ("mein Account wurde gehackt", "account_takeover"),
        ("there are unauthorized charges on my card", "fraud"),
        ("des achats que je n'ai jamais faits", "fraud"),
        ("he posted my home address and says he will find me", "safety"),
        ("un adulto pide fotos a mi hijo de 12 años", "safety"),
        ("servers are down for everyone", "outage"),
        ("ninguém do clã consegue entrar", "outage"),
    ],
)
def test_critical_signals(text: str, signal: str) -> None:
    assert signal in critical_signals(text)
    assert with_signals("low", critical_signals(text)) == "critical"


@pytest.mark.parametrize(
    "text",
    [
        "he threatened to hack my account if I don't give him my items",
        "toxic player keeps insulting everyone in chat",
        "cuenta suspendida y no hice nada",
        "I bought gems twice by mistake",
    ],
)
def test_no_critical_signal_in_ordinary_tickets(text: str) -> None:
    assert critical_signals(text) == []
    assert with_signals("medium", []) == "medium"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("love the new map, you guys are awesome", "positive"),
        ("this is ridiculous!! worst support ever", "negative"),
        ("I WAS CHARGED TWICE FOR THE BATTLE PASS", "negative"),
        ("das ist eine Frechheit", "negative"),
        ("how do I join a clan?", "neutral"),
    ],
)
def test_sentiment(text: str, expected: str) -> None:
    assert sentiment(text) == expected


def _prediction(language: str, p: float) -> Prediction:
    return Prediction("other", 0.9, "low", 0.9, language, p, ())


def test_language_from_text_unless_unsure_then_locale_then_english() -> None:
    assert choose_language(_prediction("fr", 0.95), "de-DE") == "fr"
    assert choose_language(_prediction("fr", 0.4), "de-DE") == "de"
    assert choose_language(_prediction("fr", 0.4), "pt_BR") == "pt"
    assert choose_language(_prediction("fr", 0.4), "ja") == "en"
    assert choose_language(_prediction("fr", 0.4), None) == "en"


@pytest.mark.parametrize(
    ("text", "category", "language", "tools"),
    [
        (
            "I was charged twice for the Battle Pass, $9.99 two times, order ORD-8K2M4P1Q",
            "billing",
            "en",
            ["send_reply", "grant_compensation"],
        ),
        (
            "Das Spiel stürzt beim Start ab, Fehlercode SF-1042, bitte helfen",
            "bug_report",
            "de",
            ["send_reply", "create_ticket"],
        ),
        (
            "le joueur DarkLord99 utilise un aimbot en partie classée",
            "abuse_report",
            "fr",
            ["send_reply", "flag_account"],
        ),
        (
            "me hackearon la cuenta y cambiaron el correo",
            "account_access",
            "es",
            ["send_reply", "escalate_to_human"],
        ),
        ("como entro num clã? o botão fica cinza", "gameplay_question", "pt", ["send_reply"]),
    ],
)
async def test_triage_of_typical_tickets(
    triager: LocalTriager, text: str, category: str, language: str, tools: list[str]
) -> None:
    outcome = await triager.triage(ticket(text))
    assert (outcome.category, outcome.language) == (category, language)
    assert [call.tool for call in outcome.actions] == tools
    for call in outcome.actions:
        TOOL_ARGS[call.tool].model_validate(call.args)
    assert outcome.actions[0].args["reply"] == outcome.draft_reply
    assert outcome.source == "local" and outcome.model.startswith("local-")
    assert outcome.confidence >= 0.5
    assert outcome.extracted.platform is not None  # text or the upstream metadata


async def test_same_input_same_output(triager: LocalTriager) -> None:
    text = "Hola, me cobraron dos veces 9,99 € por el pase, pedido ORD-88AB77CD"
    first = await triager.triage(ticket(text, "es"))
    second = await triager.triage(ticket(text, "es"))
    assert first == second
    assert (
        first.model_dump()
        == LocalTriager(triager.model)
        .triage_text(text, locale="es", metadata={"platform": "switch"})
        .model_dump()
    )


async def test_concurrent_tickets_batched_give_the_same_outcomes_as_one_by_one(
    triager: LocalTriager,
) -> None:
    texts = [
        "I was charged twice for the battle pass, order ORD-77AA11BB",
        "game crashes on startup with error 0xC0000005 on PC",
        "Je n'arrive plus à me connecter à mon compte depuis hier",
        "someone is cheating in ranked, player name xXsniperXx",
        "how do I change my username?",
    ]
    batched = await asyncio.gather(*(triager.triage(ticket(t, "en")) for t in texts))
    alone = [triager.triage_text(t, locale="en", metadata={"platform": "switch"}) for t in texts]
    assert [b.model_dump() for b in batched] == [a.model_dump() for a in alone]
