"""The worker's stage handlers: triaged tickets to outcomes or pending items, blocked to review.

Every output id is derived from the input event and the action id, so a
redelivered ticket republishes the same records (the executor and the pending
store remember what they did) and downstream can recognise the duplicates.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Final

from libs.logs import log_fields
from schemas import BlockedTicket, Envelope, PendingAction, ProposedAction, TriagedTicket, utcnow
from services.approval.executor import Executor, action_outcome
from services.approval.metrics import DECISIONS, PENDING_CREATED
from services.approval.pending import PendingStore
from services.approval.policy import Decision, Policy, decide
from services.approval.tiers import Schedule
from services.approval.tools import ActionContext

logger = logging.getLogger(__name__)

POLICY: Final = "policy"
#: Tool of the human-review item a blocked ticket becomes.
REVIEW_TOOL = "escalate_to_human"
#: Kinds named in a review reason; the rest are in the item's findings.
_KINDS_SHOWN = 8


def pending_for_action(
    ticket: TriagedTicket,
    action: ProposedAction,
    decision: Decision,
    *,
    producer: str,
    expires_at: datetime,
) -> PendingAction:
    """The approval request for one proposed action the policy wants a human to see."""
    triage = ticket.triage
    return PendingAction.model_validate(
        {
            **PendingAction.envelope(
                event_id=ticket.derive(f"pending:{action.action_id}"),
                ticket_id=ticket.ticket_id,
                tenant=ticket.tenant,
                producer=producer,
            ),
            "action_id": action.action_id,
            "kind": "action",
            "tool": action.tool,
            "args": action.args,
            "reason": decision.reason,
            "message_id": ticket.message_id,
            "player_ref": ticket.player_ref,
            "text": ticket.text,
            "category": triage.category,
            "urgency": triage.urgency,
            "confidence": triage.confidence,
            "draft_reply": triage.draft_reply,
            "guard_findings": ticket.guard_findings,
            "callback_url": ticket.callback_url,
            "expires_at": expires_at,
        }
    )


def review_reason(blocked: BlockedTicket) -> str:
    kinds = sorted({f.kind[:40] for f in blocked.findings})[:_KINDS_SHOWN]
    reason = "the input guard blocked the ticket"
    return f"{reason}: {', '.join(kinds)}" if kinds else reason


def pending_for_blocked(
    blocked: BlockedTicket, *, producer: str, expires_at: datetime
) -> PendingAction:
    """The human-review request a blocked ticket becomes (nothing ran for it)."""
    action_id = review_action_id(blocked)
    reason = review_reason(blocked)
    return PendingAction.model_validate(
        {
            **PendingAction.envelope(
                event_id=blocked.derive(f"pending:{action_id}"),
                ticket_id=blocked.ticket_id,
                tenant=blocked.tenant,
                producer=producer,
            ),
            "action_id": action_id,
            "kind": "human_review",
            "tool": REVIEW_TOOL,
            "args": {"reason": reason},
            "reason": reason,
            "message_id": blocked.message_id,
            "player_ref": blocked.player_ref,
            "text": blocked.text,
            "guard_findings": blocked.findings,
            "callback_url": blocked.callback_url,
            "expires_at": expires_at,
        }
    )


def review_action_id(blocked: BlockedTicket) -> uuid.UUID:
    return blocked.derive("review")


class ApprovalHandlers:
    """Applies the policy to each proposed action and routes it: run, park, or refuse."""

    def __init__(
        self,
        *,
        policy: Policy,
        store: PendingStore,
        executor: Executor,
        producer: str,
        schedule: Schedule,
    ) -> None:
        self._policy = policy
        self._store = store
        self._executor = executor
        self._producer = producer
        self._schedule = schedule

    async def on_triaged(self, ticket: TriagedTicket) -> list[Envelope]:
        # One action after the other: a retry after a transient failure redoes only what is left.
        return [await self._route(ticket, a) for a in ticket.triage.proposed_actions]

    async def on_blocked(self, blocked: BlockedTicket) -> list[Envelope]:
        item = pending_for_blocked(
            blocked, producer=self._producer, expires_at=utcnow() + self._schedule.total
        )
        return [await self._park(item)]

    async def _route(self, ticket: TriagedTicket, action: ProposedAction) -> Envelope:
        decision = decide(action, ticket, self._policy)
        DECISIONS.labels(POLICY, decision.outcome).inc()
        logger.info(
            "policy decision",
            extra=log_fields(
                "policy_decision",
                ticket_id=ticket.ticket_id,
                action_id=str(action.action_id),
                tool=action.tool,
                outcome=decision.outcome,
                reason=decision.reason,
            ),
        )
        if decision.outcome == "approve":
            item = pending_for_action(
                ticket,
                action,
                decision,
                producer=self._producer,
                expires_at=utcnow() + self._schedule.total,
            )
            return await self._park(item)
        ctx = ActionContext.proposed(ticket, action)
        event_id = ticket.derive(f"outcome:{action.action_id}")
        if decision.outcome == "deny":
            return action_outcome(
                ctx,
                event_id=event_id,
                producer=self._producer,
                status="rejected",
                decided_by=POLICY,
                channel=POLICY,
                reason=decision.reason,
            )
        execution = await self._executor.execute(ctx)
        return action_outcome(
            ctx,
            event_id=event_id,
            producer=self._producer,
            status=execution.status,
            decided_by=POLICY,
            channel=POLICY,
            reason=decision.reason,
            execution=execution,
        )

    async def _park(self, item: PendingAction) -> PendingAction:
        """Store the item once at tier 0; a redelivery republishes the stored one."""
        item = self._schedule.start(item)
        step = self._schedule.next_step(item)
        stored, created = await self._store.create(item, step.at if step else None)
        if created:
            PENDING_CREATED.labels(item.kind).inc()
        return stored
