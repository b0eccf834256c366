"""Escalation tiers: when a pending item is reminded, escalated and finally expires.

A pure schedule over the configured tiers. An item starts at tier 0 with the
deadline of that tier and the final deadline (the sum of all windows) as
``expires_at``. Before each tier's deadline a reminder goes out (once per
tier); at the deadline the item moves to the next tier, whose deadline is
counted from the previous one so the final deadline never moves. The last
tier has no escalation: the expiry sweep ends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from schemas import PendingAction
from services.approval.settings import Tier

StepKind = Literal["reminder", "escalate"]


@dataclass(frozen=True)
class Step:
    kind: StepKind
    at: datetime


class Schedule:
    def __init__(self, tiers: Sequence[Tier], reminder_before_s: float) -> None:
        if not tiers:
            raise ValueError("at least one tier is needed")
        self._tiers = list(tiers)
        self._reminder = timedelta(seconds=reminder_before_s)

    @property
    def total(self) -> timedelta:
        return timedelta(seconds=sum(t.window_s for t in self._tiers))

    def started_at(self, item: PendingAction) -> datetime:
        """When the item was created (its final deadline minus the whole window)."""
        return item.expires_at - self.total

    def start(self, item: PendingAction) -> PendingAction:
        """The item at tier 0; its ``expires_at`` (start + total) is the final deadline."""
        first = self._tiers[0]
        return item.model_copy(
            update={
                "tier": 0,
                "tier_name": first.name,
                "tier_deadline": self.started_at(item) + timedelta(seconds=first.window_s),
                "notice": "new",
            }
        )

    def next_step(self, item: PendingAction) -> Step | None:
        """The item's next reminder or escalation, or None when only the expiry is left."""
        tier = self._tiers[min(item.tier, len(self._tiers) - 1)]
        deadline = item.tier_deadline or item.expires_at
        if (
            item.notice != "reminder"
            and self._reminder
            and self._reminder < timedelta(seconds=tier.window_s)
        ):
            return Step("reminder", deadline - self._reminder)
        if item.tier + 1 >= len(self._tiers):
            return None
        return Step("escalate", deadline)

    def apply(self, item: PendingAction, step: Step, now: datetime) -> PendingAction:
        """The item after ``step``, as published again (a new event id per step)."""
        if step.kind == "reminder":
            return item.model_copy(
                update={
                    "event_id": item.derive(f"reminder:{item.tier}"),
                    "occurred_at": now,
                    "notice": "reminder",
                }
            )
        tier = item.tier + 1
        nxt = self._tiers[tier]
        deadline = (item.tier_deadline or item.expires_at) + timedelta(seconds=nxt.window_s)
        return item.model_copy(
            update={
                "event_id": item.derive(f"tier:{tier}"),
                "occurred_at": now,
                "tier": tier,
                "tier_name": nxt.name,
                "tier_deadline": min(deadline, item.expires_at),
                "notice": "escalated",
            }
        )
