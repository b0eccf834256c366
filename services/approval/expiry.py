"""The sweep: reminders, escalations and expiries of pending items, run by the worker's timer.

Safe with several worker replicas: each due step is claimed atomically
(:meth:`PendingStore.claim_due`) and each expiry is the same single-use take a
decision uses, so every reminder, escalation and expiry is published by one
replica, and an approval racing the expiry either wins or finds the item gone.
A notice or outcome that cannot be published is put back for the next sweep.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from libs.errors import TransientError
from libs.kafka import PublishError
from libs.logs import log_fields
from schemas import Envelope, PendingAction, utcnow
from services.approval.executor import action_outcome
from services.approval.metrics import DECISIONS, SWEPT
from services.approval.pending import DecisionMark, PendingStore
from services.approval.tiers import Schedule
from services.approval.tools import ActionContext

logger = logging.getLogger(__name__)

#: ``decided_by`` and ``decision_channel`` of an expired item.
EXPIRY: Final = "expiry"

Publish = Callable[[Sequence[Envelope]], Awaitable[None]]


@dataclass
class SweepReport:
    reminded: list[uuid.UUID] = field(default_factory=list)
    escalated: list[uuid.UUID] = field(default_factory=list)
    expired: list[uuid.UUID] = field(default_factory=list)


def expiry_reason(item: PendingAction) -> str:
    tiers = f" after {item.tier + 1} tier(s)" if item.tier else ""
    return f"not decided before {item.expires_at.isoformat()}{tiers}"


class Sweeper:
    def __init__(
        self,
        store: PendingStore,
        schedule: Schedule,
        publish: Publish,
        *,
        producer: str,
        batch: int = 100,
    ) -> None:
        self._store = store
        self._schedule = schedule
        self._publish = publish
        self._producer = producer
        self._batch = batch

    async def sweep(self) -> SweepReport:
        """One pass: publish every due reminder and escalation, then every expiry."""
        report = SweepReport()
        for action_id in await self._store.due(self._batch):
            await self._step(action_id, report)
        for action_id in await self._store.past_deadline(self._batch):
            await self._expire(action_id, report)
        return report

    async def _step(self, action_id: uuid.UUID, report: SweepReport) -> None:
        item = await self._store.claim_due(action_id)
        if item is None:
            return  # another replica has it, or the item was decided
        step = self._schedule.next_step(item)
        now = utcnow()
        if step is None or step.at > now:
            # A stale entry (e.g. the item went back after a failed decision): re-arm it.
            if step is not None:
                await self._store.reschedule(action_id, step.at)
            return
        advanced = self._schedule.apply(item, step, now)
        try:
            await self._publish([advanced])
        except (PublishError, TransientError):
            logger.exception(
                "pending notice not published",
                extra=log_fields("sweep_publish_failed", action_id=str(action_id)),
            )
            await self._store.reschedule(action_id, step.at)
            return
        following = self._schedule.next_step(advanced)
        await self._store.advance(advanced, following.at if following else None)
        (report.reminded if step.kind == "reminder" else report.escalated).append(action_id)
        SWEPT.labels(step.kind).inc()
        logger.info(
            "pending item " + ("reminded" if step.kind == "reminder" else "escalated"),
            extra=log_fields(
                "pending_" + step.kind,
                ticket_id=item.ticket_id,
                action_id=str(action_id),
                tier=advanced.tier,
                tier_name=advanced.tier_name,
            ),
        )

    async def _expire(self, action_id: uuid.UUID, report: SweepReport) -> None:
        mark = DecisionMark(by=EXPIRY, kind="expired", at=utcnow())
        taken = await self._store.take(action_id, mark, expiring=True)
        item = taken.item
        if item is None:
            return  # decided just before its deadline, or another replica expired it
        outcome = action_outcome(
            ActionContext.pending(item),
            event_id=item.derive("expired"),
            producer=self._producer,
            status="expired",
            decided_by=EXPIRY,
            channel=EXPIRY,
            reason=expiry_reason(item),
            decided_at=mark.at,
        )
        try:
            await self._publish([outcome])
        except (PublishError, TransientError):
            logger.exception(
                "expiry not published",
                extra=log_fields("sweep_publish_failed", action_id=str(action_id)),
            )
            await self._store.restore(item)
            return
        report.expired.append(action_id)
        SWEPT.labels("expired").inc()
        DECISIONS.labels(EXPIRY, "expired").inc()
        logger.info(
            "pending item expired",
            extra=log_fields("pending_expired", ticket_id=item.ticket_id, action_id=str(action_id)),
        )
