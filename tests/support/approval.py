"""Pending approval items for tests, built the way the approval worker builds them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from schemas import PendingAction, utcnow
from services.approval.policy import Decision
from services.approval.tiers import Schedule
from services.approval.worker import pending_for_action
from tests.support.tickets import action, triaged_ticket

DEFAULT_ARGS: dict[str, dict[str, Any]] = {
    "send_reply": {"reply": "Sorry, the duplicate charge is refunded."},
    "grant_compensation": {"amount": 5, "currency": "gems", "reason": "double charge"},
    "flag_account": {"reason": "chargeback abuse"},
    "create_ticket": {"title": "Crash E-4012 on login"},
}


def pending_item(
    tool: str = "send_reply",
    *,
    tenant: str = "starfall",
    urgency: str = "medium",
    expires_in: timedelta = timedelta(minutes=30),
    schedule: Schedule | None = None,
    **args: Any,
) -> PendingAction:
    """A parked action expiring in ``expires_in``; started at tier 0 of ``schedule`` if given."""
    proposed = action(tool, **(args or DEFAULT_ARGS[tool]))
    item = pending_for_action(
        triaged_ticket(proposed, tenant=tenant, urgency=urgency),
        proposed,
        Decision("approve", "policy requires approval"),
        producer="approval@test",
        expires_at=utcnow() + expires_in,
    )
    return schedule.start(item) if schedule else item
