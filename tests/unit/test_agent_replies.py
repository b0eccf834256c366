"""Reply templates: the player's language where we have one, never a promise of money."""

from __future__ import annotations

import re

import pytest

from schemas.tickets import CATEGORIES, URGENCIES, Amount, ExtractedFields
from services.agent.local.replies import REPLY_LANGUAGES, draft_reply, reply_language
from services.agent.settings import AgentSettings

GREETINGS = {"en": "Hi,", "de": "Hallo,", "fr": "Bonjour,", "es": "Hola:", "pt": "Olá,"}


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_a_template_in_every_reply_language(
    language: str, category: str
) -> None:
    draft = draft_reply(category, "low", language, ExtractedFields())  # type: ignore[arg-type]
    assert draft.startswith(GREETINGS[language])
    assert "Starfall" in draft


def test_unknown_language_falls_back_to_english() -> None:
    assert reply_language("it") == "en"
    assert draft_reply("billing", "low", "it", ExtractedFields()).startswith("Hi,")


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
@pytest.mark.parametrize("urgency", URGENCIES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_no_template_promises_money_or_carries_a_link(
    language: str, urgency: str, category: str
) -> None:
    extracted = ExtractedFields(amounts=[Amount(value=9.99, currency="EUR")], order_ids=["ORD-1"])
    draft = draft_reply(category, urgency, language, extracted).lower()  # type: ignore[arg-type]
    for phrase in AgentSettings().agent_forbidden_phrases:
        assert phrase not in draft
    assert "9.99" not in draft and "9,99" not in draft
    assert not re.search(r"https?://|www\.", draft)


def test_reference_line_lists_extracted_facts_in_the_reply_language() -> None:
    extracted = ExtractedFields(
        error_codes=["SF-1042"], order_ids=["ORD-77AA88BB"], platform="ps5", game_mode="ranked"
    )
    draft = draft_reply("bug_report", "medium", "de", extracted)
    assert (
        "Zur Referenz haben wir notiert: Bestellung ORD-77AA88BB, Fehler SF-1042, "
        "Plattform ps5, Modus ranked." in draft
    )
    assert "noted" not in draft_reply("bug_report", "medium", "en", ExtractedFields())


def test_critical_account_ticket_gets_urgent_note_and_security_advice() -> None:
    draft = draft_reply("account_access", "critical", "fr", ExtractedFields())
    assert "urgente" in draft
    assert "double authentification" in draft
    assert "urgente" not in draft_reply("account_access", "high", "fr", ExtractedFields())


def test_critical_abuse_ticket_points_to_emergency_services() -> None:
    assert "emergency services" in draft_reply("abuse_report", "critical", "en", ExtractedFields())
