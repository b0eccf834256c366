"""Rendering of notifier notices: what approvers and upstream systems receive."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from schemas import ActionOutcome, PendingAction
from services.notifier.messages import approval_requested, approve_url, outcome_callback

ACTION_ID = uuid.UUID("11111111-2222-3333-4444-555555555555")


def pending(**overrides: object) -> PendingAction:
    fields: dict[str, object] = {
        **PendingAction.envelope(
            event_id=uuid.uuid4(), ticket_id="t-1", tenant="starfall", producer="approval@test"
        ),
        "action_id": ACTION_ID,
        "kind": "action",
        "tool": "grant_compensation",
        "args": {"amount": 1200, "currency": "gems", "reason": "double charge"},
        "reason": "high-risk tool",
        "message_id": "zd-1",
        "player_ref": "p_secretplayerhash",
        "text": "I was charged twice, mail me at [EMAIL_1]",
        "category": "billing",
        "urgency": "high",
        "draft_reply": "Sorry, we refund you.",
        "expires_at": datetime(2030, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))),
    }
    fields.update(overrides)
    return PendingAction.model_validate(fields)


def outcome(**overrides: object) -> ActionOutcome:
    fields: dict[str, object] = {
        **ActionOutcome.envelope(
            event_id=uuid.uuid4(), ticket_id="t-1", tenant="starfall", producer="approval@test"
        ),
        "action_id": ACTION_ID,
        "tool": "send_reply",
        "args": {"reply": "hello"},
        "status": "executed",
        "decided_by": "alice",
        "decision_channel": "inbox",
        "decided_at": datetime(2030, 1, 1, 12, 30, tzinfo=UTC),
        "result": {"internal": "not for upstream"},
        "message_id": "zd-1",
        "callback_url": "https://desk.example/hooks/triage",
    }
    fields.update(overrides)
    return ActionOutcome.model_validate(fields)


def test_approval_payload_has_the_contract_fields_and_utc_times() -> None:
    payload = approval_requested(pending(), "https://approve.example/").payload()

    assert payload == {
        "type": "approval_requested",
        "action_id": str(ACTION_ID),
        "ticket_id": "t-1",
        "tenant": "starfall",
        "kind": "action",
        "tool": "grant_compensation",
        "args": {"amount": 1200, "currency": "gems", "reason": "double charge"},
        "reason": "high-risk tool",
        "category": "billing",
        "urgency": "high",
        "draft_reply": "Sorry, we refund you.",
        "expires_at": "2030-01-01T12:00:00Z",
        "approve_url": f"https://approve.example/v1/pending/{ACTION_ID}",
        "inbox_url": f"https://approve.example/inbox/items/{ACTION_ID}",
        "notice": "new",
        "tier": 0,
        "tier_name": None,
    }


def test_approval_payload_never_carries_player_or_ticket_text() -> None:
    rendered = str(approval_requested(pending(), "http://127.0.0.1:8081").payload())

    assert "p_secretplayerhash" not in rendered
    assert "[EMAIL_1]" not in rendered


def test_human_review_items_render_with_empty_optionals() -> None:
    item = pending(kind="human_review", tool="review", args={}, category=None, draft_reply=None)

    payload = approval_requested(item, "http://127.0.0.1:8081").payload()

    assert payload["kind"] == "human_review"
    assert payload["category"] is None
    assert payload["draft_reply"] is None


def test_approve_url_joins_base_with_or_without_trailing_slash() -> None:
    expected = f"http://127.0.0.1:8081/v1/pending/{ACTION_ID}"
    assert approve_url("http://127.0.0.1:8081", ACTION_ID) == expected
    assert approve_url("http://127.0.0.1:8081/", ACTION_ID) == expected


def test_log_fields_are_identifiers_and_reason_only() -> None:
    fields = approval_requested(pending(), "http://127.0.0.1:8081").log_fields()

    assert fields == {
        "ticket_id": "t-1",
        "action_id": str(ACTION_ID),
        "tool": "grant_compensation",
        "reason": "high-risk tool",
        "tenant": "starfall",
        "kind": "action",
    }


def test_outcome_callback_payload_has_the_contract_fields_only() -> None:
    payload = outcome_callback(outcome(reason="approved", error=None)).payload()

    assert payload == {
        "type": "action_outcome",
        "ticket_id": "t-1",
        "message_id": "zd-1",
        "tenant": "starfall",
        "action_id": str(ACTION_ID),
        "tool": "send_reply",
        "status": "executed",
        "decided_by": "alice",
        "decided_at": "2030-01-01T12:30:00Z",
        "reason": "approved",
        "error": None,
    }


def test_outcome_callback_reports_failures() -> None:
    payload = outcome_callback(outcome(status="failed", error="backend said no")).payload()

    assert payload["status"] == "failed"
    assert payload["error"] == "backend said no"
