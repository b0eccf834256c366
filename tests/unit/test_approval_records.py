"""What the approval worker publishes, how approvers authenticate, how tools are addressed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from libs.security import hash_token
from schemas import utcnow
from services.approval.auth import authenticate
from services.approval.executor import Execution, action_outcome
from services.approval.policy import Decision
from services.approval.settings import DEMO_APPROVER, DEMO_TOKEN, ApprovalSettings, Approver
from services.approval.tools import ActionContext, HttpTool, ToolRegistry, UnknownToolError
from services.approval.worker import pending_for_action, pending_for_blocked, review_action_id
from tests.support.tickets import action, blocked_ticket, triaged_ticket


def test_pending_item_for_an_action_carries_what_an_approver_needs() -> None:
    proposed = action("grant_compensation", amount=5, currency="gems", reason="double charge")
    ticket = triaged_ticket(proposed, urgency="high", confidence=0.8)
    expires = utcnow() + timedelta(hours=1)
    item = pending_for_action(
        ticket, proposed, Decision("approve", "needs a human"), producer="a@1", expires_at=expires
    )
    assert item.event_id == ticket.derive(f"pending:{proposed.action_id}")
    assert (item.action_id, item.kind, item.tool, item.args) == (
        proposed.action_id,
        "action",
        "grant_compensation",
        proposed.args,
    )
    assert (item.ticket_id, item.tenant, item.message_id) == (
        ticket.ticket_id,
        ticket.tenant,
        ticket.message_id,
    )
    assert (item.reason, item.urgency, item.confidence, item.expires_at) == (
        "needs a human",
        "high",
        0.8,
        expires,
    )
    assert item.draft_reply == ticket.triage.draft_reply
    assert item.callback_url == ticket.callback_url


def test_blocked_ticket_becomes_a_deterministic_human_review_item() -> None:
    blocked = blocked_ticket("secret_extraction", "instruction_override", "instruction_override")
    expires = utcnow() + timedelta(hours=1)
    first = pending_for_blocked(blocked, producer="a@1", expires_at=expires)
    again = pending_for_blocked(blocked, producer="a@1", expires_at=expires)
    assert first.action_id == review_action_id(blocked) == blocked.derive("review")
    assert (first.event_id, first.action_id) == (again.event_id, again.action_id)
    assert (first.kind, first.tool) == ("human_review", "escalate_to_human")
    reason = "the input guard blocked the ticket: instruction_override, secret_extraction"
    assert first.args == {"reason": reason}
    assert first.reason == reason
    assert first.guard_findings == blocked.findings


def test_outcome_records_the_decision_and_the_execution() -> None:
    proposed = action("send_reply", reply="hi")
    ticket = triaged_ticket(proposed)
    ctx = ActionContext.proposed(ticket, proposed)
    event_id = ticket.derive(f"outcome:{proposed.action_id}")
    outcome = action_outcome(
        ctx,
        event_id=event_id,
        producer="approval@1",
        status="failed",
        decided_by="policy",
        channel="policy",
        reason="within policy",
        execution=Execution("failed", {}, "PermanentError: 400"),
    )
    assert outcome.event_id == event_id
    assert (outcome.action_id, outcome.tool, outcome.args) == (
        proposed.action_id,
        "send_reply",
        {"reply": "hi"},
    )
    assert (outcome.status, outcome.decided_by, outcome.decision_channel) == (
        "failed",
        "policy",
        "policy",
    )
    assert outcome.error == "PermanentError: 400"
    assert (outcome.message_id, outcome.callback_url) == (ticket.message_id, ticket.callback_url)
    assert outcome.decided_at.tzinfo is not None


def test_tool_payload_is_the_documented_json() -> None:
    proposed = action("create_ticket", title="Crash")
    ticket = triaged_ticket(proposed)
    ctx = ActionContext.proposed(ticket, proposed)
    tool = ToolRegistry.http(lambda name: f"http://tools/{name}").get("create_ticket")
    assert isinstance(tool, HttpTool)
    payload = ctx.payload(tool.args_model.model_validate(ctx.args))
    assert payload == {
        "action_id": str(proposed.action_id),
        "ticket_id": ticket.ticket_id,
        "tenant": "starfall",
        "message_id": ticket.message_id,
        "tool": "create_ticket",
        "args": {"title": "Crash", "description": "", "priority": "medium", "labels": []},
    }


def test_unknown_tool_is_an_error() -> None:
    registry = ToolRegistry.http(lambda name: f"http://tools/{name}")
    with pytest.raises(UnknownToolError, match="refund"):
        registry.get("refund")


def test_tool_urls_default_to_the_base_and_can_be_overridden() -> None:
    settings = ApprovalSettings(
        tools_base_url="http://tools.local/v1/",
        tool_urls={"grant_compensation": "https://shop.local/grant"},
    )
    registry = ToolRegistry.http(settings.tool_url)
    assert registry.get("send_reply").url == "http://tools.local/v1/send_reply"
    assert registry.get("grant_compensation").url == "https://shop.local/grant"


def test_approvers_authenticate_by_token_hash() -> None:
    approvers = {
        "ann": Approver(token_sha256=hash_token("ann-token"), role="lead"),
        "bob": Approver(token_sha256=hash_token("bob-token")),
    }
    assert authenticate(approvers, "ann-token") == "ann"
    assert authenticate(approvers, "bob-token") == "bob"
    assert authenticate(approvers, "ann-token ") is None
    assert authenticate(approvers, "") is None


def test_default_approver_is_the_documented_demo_one() -> None:
    assert authenticate(ApprovalSettings().approvers, DEMO_TOKEN) == DEMO_APPROVER == "demo"
    assert DEMO_TOKEN == "demo-token"


def test_action_context_round_trips_through_a_pending_item() -> None:
    proposed = action("send_reply", reply="hi")
    ticket = triaged_ticket(proposed)
    item = pending_for_action(
        ticket,
        proposed,
        Decision("approve", "x"),
        producer="a@1",
        expires_at=utcnow() + timedelta(minutes=5),
    )
    assert ActionContext.pending(item) == ActionContext.proposed(ticket, proposed)
    edited = ActionContext.pending(item).with_args({"reply": "edited"})
    assert (edited.args, edited.action_id) == ({"reply": "edited"}, uuid.UUID(str(item.action_id)))
