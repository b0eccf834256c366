"""Factories for ticket events as the upstream stages would publish them."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from schemas import (
    BlockedTicket,
    Envelope,
    GuardedTicket,
    GuardFinding,
    ProposedAction,
    RawTicket,
    TriagedTicket,
    derive_event_id,
    utcnow,
)
from schemas.envelope import ticket_id_for

E = TypeVar("E", bound=Envelope)

#: Optional body fields set to non-defaults, so tests can check a stage copies them.
_OPTIONAL_FIELDS: dict[str, Any] = {"locale": "en", "metadata": {"platform": "ps5"}}


def _body(tenant: str, message_id: str | None) -> dict[str, Any]:
    message_id = message_id or f"m-{uuid.uuid4()}"
    return {
        "ticket_id": ticket_id_for(tenant, message_id),
        "message_id": message_id,
        "player_ref": "p_0123456789abcdef",
        "text": "I was charged twice for the 1200 gems pack, card [CARD_1].",
        "channel": "email",
        "callback_url": "http://127.0.0.1:9/callbacks/desk",
        "received_at": utcnow(),
    }


def _ticket(
    event_type: type[E],
    body: dict[str, Any],
    /,
    *,
    tenant: str,
    producer: str,
    event_id: uuid.UUID | None = None,
    **fields: Any,
) -> E:
    """``model`` around ``body`` (from ``_body``), with ``fields`` set or overridden."""
    envelope = event_type.envelope(
        event_id=event_id or uuid.uuid4(),
        ticket_id=body.pop("ticket_id"),
        tenant=tenant,
        producer=producer,
    )
    return event_type.model_validate({**envelope, **body, **fields})


def raw_ticket(text: str, *, tenant: str = "starfall") -> RawTicket:
    """A ticket as ingest publishes it."""
    return _ticket(
        RawTicket,
        _body(tenant, None),
        tenant=tenant,
        producer="ingest@test",
        text=text,
        **_OPTIONAL_FIELDS,
    )


def guarded_ticket(
    text: str = "charged twice for the battle pass",
    *,
    tenant: str = "starfall",
    message_id: str | None = None,
) -> GuardedTicket:
    """A passing ticket as the guard publishes it; its event id is the one the guard derives."""
    body = _body(tenant, message_id)
    return _ticket(
        GuardedTicket,
        body,
        tenant=tenant,
        producer="guard@test",
        event_id=derive_event_id(body["ticket_id"], "guard"),
        text=text,
        verdict="pass",
        **_OPTIONAL_FIELDS,
    )


def action(tool: str, **args: Any) -> ProposedAction:
    return ProposedAction(action_id=uuid.uuid4(), tool=tool, args=args)


def triaged_ticket(
    *actions: ProposedAction,
    tenant: str = "starfall",
    confidence: float = 0.9,
    urgency: str = "medium",
    verdict: str = "pass",
    review_reasons: list[str] | None = None,
    message_id: str | None = None,
) -> TriagedTicket:
    return _ticket(
        TriagedTicket,
        _body(tenant, message_id),
        tenant=tenant,
        producer="agent@test",
        guard_verdict=verdict,
        triage={
            "category": "billing",
            "urgency": urgency,
            "confidence": confidence,
            "draft_reply": "Sorry about that, we are refunding the duplicate charge.",
            "proposed_actions": [a.model_dump() for a in actions],
        },
        source="claude",
        model="test-model",
        review_reasons=review_reasons or [],
    )


def blocked_ticket(*kinds: str, tenant: str = "starfall") -> BlockedTicket:
    findings = [
        GuardFinding(rule_id=f"r-{k}", kind=k, severity="high", start=0, end=5) for k in kinds
    ]
    return _ticket(
        BlockedTicket, _body(tenant, None), tenant=tenant, producer="guard@test", findings=findings
    )
