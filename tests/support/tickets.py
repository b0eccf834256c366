"""Factories for ticket events as the upstream stages would publish them."""

from __future__ import annotations

import uuid
from typing import Any

from schemas import BlockedTicket, GuardFinding, ProposedAction, TriagedTicket, utcnow
from schemas.envelope import ticket_id_for


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
    body = _body(tenant, message_id)
    return TriagedTicket.model_validate(
        {
            **TriagedTicket.envelope(
                event_id=uuid.uuid4(),
                ticket_id=body.pop("ticket_id"),
                tenant=tenant,
                producer="agent@test",
            ),
            **body,
            "guard_verdict": verdict,
            "triage": {
                "category": "billing",
                "urgency": urgency,
                "confidence": confidence,
                "draft_reply": "Sorry about that, we are refunding the duplicate charge.",
                "proposed_actions": [a.model_dump() for a in actions],
            },
            "source": "claude",
            "model": "test-model",
            "review_reasons": review_reasons or [],
        }
    )


def blocked_ticket(*kinds: str, tenant: str = "starfall") -> BlockedTicket:
    body = _body(tenant, None)
    findings = [
        GuardFinding(rule_id=f"r-{k}", kind=k, severity="high", start=0, end=5) for k in kinds
    ]
    return BlockedTicket.model_validate(
        {
            **BlockedTicket.envelope(
                event_id=uuid.uuid4(),
                ticket_id=body.pop("ticket_id"),
                tenant=tenant,
                producer="guard@test",
            ),
            **body,
            "findings": findings,
        }
    )
