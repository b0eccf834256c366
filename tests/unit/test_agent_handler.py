"""The stage decision GuardedTicket -> TriagedTicket, with a scripted triager."""

from __future__ import annotations

import uuid

import pytest

from schemas import derive_event_id, ticket_id_for, utcnow
from schemas.tickets import GuardedTicket, GuardFinding, LlmUsage, PiiRedaction, TicketBody
from services.agent.handler import make_handler, triage_ticket
from services.agent.local.model import load_or_train
from services.agent.local.triager import LocalTriager
from services.agent.output_guard import OutputPolicy
from services.agent.settings import AgentSettings
from services.agent.triager import ToolCall, TriageOutcome

POLICY = OutputPolicy.from_settings(AgentSettings())


class ScriptedTriager:
    """Returns a fixed outcome: the handler's own logic is what is under test."""

    def __init__(self, outcome: TriageOutcome) -> None:
        self.outcome = outcome
        self.seen: list[GuardedTicket] = []

    async def triage(self, ticket: GuardedTicket) -> TriageOutcome:
        self.seen.append(ticket)
        return self.outcome


def guarded(text: str = "I was charged twice, email [EMAIL_1]") -> GuardedTicket:
    ticket_id = ticket_id_for("starfall", "zd-1")
    return GuardedTicket(
        **GuardedTicket.envelope(
            event_id=derive_event_id(ticket_id, "guard"),
            ticket_id=ticket_id,
            tenant="starfall",
            producer="guard@0.1.0",
        ),
        message_id="zd-1",
        player_ref="ref-abc",
        text=text,
        channel="email",
        locale="en",
        callback_url="https://desk.example/hooks/triage",
        metadata={"platform": "ps5"},
        received_at=utcnow(),
        verdict="flag",
        findings=[
            GuardFinding(
                rule_id="r1", kind="instruction_override", severity="medium", start=0, end=4
            )
        ],
        pii=[PiiRedaction(kind="email", placeholder="[EMAIL_1]")],
    )


def scripted(draft: str = "Hi, we are on it.", confidence: float = 0.9) -> TriageOutcome:
    return TriageOutcome(
        category="billing",
        urgency="high",
        confidence=confidence,
        draft_reply=draft,
        actions=(
            ToolCall("send_reply", {"reply": draft}),
            ToolCall("grant_compensation", {"amount": 9.99, "currency": "EUR", "reason": "x2"}),
        ),
        source="claude",
        model="claude-test",
        usage=LlmUsage(input_tokens=120, output_tokens=80, cost_usd=0.001),
    )


async def test_triaged_ticket_copies_body_and_derives_ids() -> None:
    ticket = guarded()
    triaged, _ = await triage_ticket(ticket, ScriptedTriager(scripted()), POLICY, "agent@0.1.0")
    assert triaged.event_id == ticket.derive("agent")
    assert triaged.schema_id == "tickets.triaged/1"
    assert (triaged.ticket_id, triaged.tenant, triaged.producer) == (
        ticket.ticket_id,
        "starfall",
        "agent@0.1.0",
    )
    for field in TicketBody.model_fields:
        assert getattr(triaged, field) == getattr(ticket, field)
    assert triaged.guard_verdict == "flag" and triaged.guard_findings == ticket.findings
    assert [a.action_id for a in triaged.triage.proposed_actions] == [
        ticket.derive("action:0"),
        ticket.derive("action:1"),
    ]
    assert [a.tool for a in triaged.triage.proposed_actions] == ["send_reply", "grant_compensation"]
    assert (triaged.source, triaged.model) == ("claude", "claude-test")
    assert triaged.usage == LlmUsage(input_tokens=120, output_tokens=80, cost_usd=0.001)
    assert triaged.review_reasons == []


async def test_output_guard_findings_become_review_reasons() -> None:
    outcome = scripted("We sent it to [EMAIL_1], full refund coming", confidence=0.3)
    triaged, result = await triage_ticket(
        guarded(), ScriptedTriager(outcome), POLICY, "agent@0.1.0"
    )
    assert [r.split(":")[0] for r in triaged.review_reasons] == [
        "pii_placeholder_in_draft",
        "forbidden_promise",
        "low_confidence",
    ]
    assert [issue.code for issue in result.review] == [
        r.split(":")[0] for r in triaged.review_reasons
    ]


async def test_handler_returns_one_triaged_event_per_ticket() -> None:
    triager = ScriptedTriager(scripted())
    handle = make_handler(triager, POLICY, "agent@0.1.0")
    outputs = await handle(guarded())
    assert len(outputs) == 1 and outputs[0].schema_id == "tickets.triaged/1"
    assert triager.seen[0].text == "I was charged twice, email [EMAIL_1]"


@pytest.fixture(scope="module")
def local() -> LocalTriager:
    return LocalTriager(load_or_train(AgentSettings().model_cache_dir))


async def test_redelivery_yields_identical_output_with_local_model(local: LocalTriager) -> None:
    ticket = guarded("charged twice for the Battle Pass, 9,99 € two times, order ORD-77AA88BB")
    first, _ = await triage_ticket(ticket, local, POLICY, "agent@0.1.0")
    again, _ = await triage_ticket(ticket, local, POLICY, "agent@0.1.0")
    assert first.model_dump(exclude={"occurred_at"}) == again.model_dump(exclude={"occurred_at"})
    assert first.triage.category == "billing"
    assert all(isinstance(a.action_id, uuid.UUID) for a in first.triage.proposed_actions)
