"""Human decisions on pending items: take the item once, act, publish who decided.

Taking is single-use (see :class:`PendingStore.take`), so of two concurrent
decisions exactly one proceeds. When a decision cannot be carried out (the
tool or the broker is unavailable) the item is put back and the caller is told
to try again, so a decision is never half-lost: a repeated approval finds the
executor's stored result and publishes it without acting twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import NoReturn

from libs import tracing
from libs.errors import TransientError
from libs.kafka import PublishError
from libs.logs import log_fields
from schemas import ActionOutcome, PendingAction, utcnow
from schemas.actions import DecisionChannel
from services.approval.executor import Executor, action_outcome
from services.approval.links import action_digest
from services.approval.metrics import DECISIONS
from services.approval.pending import DecisionKind, DecisionMark, PendingStore
from services.approval.tools import ActionContext

logger = logging.getLogger(__name__)

#: The only tool whose arguments an approver may edit (the reply text).
EDITABLE_TOOL = "send_reply"

PublishOutcome = Callable[[ActionOutcome], Awaitable[None]]
#: Whether an approver (by name) may approve a tool.
MayApprove = Callable[[str, str], bool]


class DecisionError(Exception):
    """A decision that cannot be taken; ``code`` is stable for API clients."""

    code = "decision_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPending(DecisionError):
    code = "not_found"


class AlreadyDecided(DecisionError):
    code = "already_decided"


class Expired(AlreadyDecided):
    code = "expired"


class InvalidDecision(DecisionError):
    code = "invalid_decision"


class Forbidden(DecisionError):
    code = "forbidden"


class ChangedAction(DecisionError):
    """The action or its arguments differ from what the approver was shown."""

    code = "action_changed"


class NotCarriedOut(DecisionError):
    code = "unavailable"


class Decisions:
    def __init__(
        self,
        store: PendingStore,
        executor: Executor,
        publish: PublishOutcome,
        *,
        producer: str,
        may_approve: MayApprove | None = None,
    ) -> None:
        self._store = store
        self._executor = executor
        self._publish = publish
        self._producer = producer
        self._may_approve = may_approve

    async def approve(
        self,
        action_id: uuid.UUID,
        approver: str,
        *,
        reply: str | None = None,
        channel: DecisionChannel = "api",
        digest: str | None = None,
    ) -> ActionOutcome:
        """Run the action (with the approver's reply text, if edited) and publish its outcome.

        ``digest`` (from a signed link) must match the action as stored: a link
        approves exactly what it was issued for. The work joins the ticket's trace.
        """
        headers = await self._store.trace_headers(action_id)
        with tracing.resumed_span("approval approve", headers):
            return await self._approve(action_id, approver, reply, channel, digest)

    async def _approve(
        self,
        action_id: uuid.UUID,
        approver: str,
        reply: str | None,
        channel: DecisionChannel,
        digest: str | None,
    ) -> ActionOutcome:
        current = await self._store.get(action_id)
        if current is not None:
            if reply is not None and current.tool != EDITABLE_TOOL:
                raise InvalidDecision(f"only {EDITABLE_TOOL} takes an edited reply")
            if self._may_approve is not None and not self._may_approve(approver, current.tool):
                raise Forbidden(f"{approver}'s role may not approve {current.tool!r}")
            if digest is not None and digest != action_digest(current):
                raise ChangedAction(f"action {action_id} changed since the link was issued")
        item, mark = await self._take(action_id, approver, "approved")
        ctx = ActionContext.pending(item)
        if reply is not None:
            ctx = ctx.with_args({**ctx.args, "reply": reply})
        try:
            execution = await self._executor.execute(ctx)
            outcome = action_outcome(
                ctx,
                event_id=item.derive("decision"),
                producer=self._producer,
                status=execution.status,
                decided_by=approver,
                channel=channel,
                reason="approved with an edited reply" if reply is not None else None,
                execution=execution,
                decided_at=mark.at,
            )
            await self._publish(outcome)
        except (TransientError, PublishError) as exc:
            await self._give_back(item, exc)
        self._record(outcome, channel, "approved")
        return outcome

    async def reject(
        self,
        action_id: uuid.UUID,
        approver: str,
        reason: str,
        *,
        channel: DecisionChannel = "api",
        digest: str | None = None,
    ) -> ActionOutcome:
        """Publish the rejection; nothing runs. The work joins the ticket's trace."""
        headers = await self._store.trace_headers(action_id)
        with tracing.resumed_span("approval reject", headers):
            return await self._reject(action_id, approver, reason, channel, digest)

    async def _reject(
        self,
        action_id: uuid.UUID,
        approver: str,
        reason: str,
        channel: DecisionChannel,
        digest: str | None,
    ) -> ActionOutcome:
        if digest is not None:
            current = await self._store.get(action_id)
            if current is not None and digest != action_digest(current):
                raise ChangedAction(f"action {action_id} changed since the link was issued")
        item, mark = await self._take(action_id, approver, "rejected")
        try:
            if await self._executor.started(item.action_id):
                # It already ran (a retried approval whose outcome was not published).
                await self._store.restore(item)
                raise AlreadyDecided(
                    f"action {action_id} already ran; approve it again to publish its outcome"
                )
            outcome = action_outcome(
                ActionContext.pending(item),
                event_id=item.derive("decision"),
                producer=self._producer,
                status="rejected",
                decided_by=approver,
                channel=channel,
                reason=reason,
                decided_at=mark.at,
            )
            await self._publish(outcome)
        except (TransientError, PublishError) as exc:
            await self._give_back(item, exc)
        self._record(outcome, channel, "rejected")
        return outcome

    async def _take(
        self, action_id: uuid.UUID, approver: str, kind: DecisionKind
    ) -> tuple[PendingAction, DecisionMark]:
        mark = DecisionMark(by=approver, kind=kind, at=utcnow())
        taken = await self._store.take(action_id, mark)
        if taken.item is not None:
            return taken.item, mark
        if taken.expired or (taken.earlier is not None and taken.earlier.kind == "expired"):
            raise Expired(f"action {action_id} was not decided in time and has expired")
        if taken.earlier is not None:
            raise AlreadyDecided(
                f"action {action_id} was already {taken.earlier.kind} by {taken.earlier.by}"
            )
        raise NotPending(f"no pending action {action_id} (unknown or expired)")

    async def _give_back(self, item: PendingAction, exc: Exception) -> NoReturn:
        restored = await self._store.restore(item)
        logger.warning(
            "decision not carried out",
            extra=log_fields(
                "decision_failed",
                ticket_id=item.ticket_id,
                action_id=str(item.action_id),
                restored=restored,
                error_type=type(exc).__name__,
                error=str(exc),
            ),
        )
        raise NotCarriedOut(
            "the decision could not be carried out now, try again"
            if restored
            else "the decision could not be carried out and the item has expired"
        ) from exc

    def _record(self, outcome: ActionOutcome, channel: DecisionChannel, kind: str) -> None:
        DECISIONS.labels(channel, kind).inc()
        logger.info(
            "human decision",
            extra=log_fields(
                "human_decision",
                ticket_id=outcome.ticket_id,
                action_id=str(outcome.action_id),
                tool=outcome.tool,
                decision=kind,
                status=outcome.status,
                decided_by=outcome.decided_by,
                channel=channel,
            ),
        )
