"""The agent stage's decision: GuardedTicket -> TriagedTicket (triage, then output guard).

Output ids derive from the input's event id, so a redelivered ticket yields the
same event and action ids and downstream stages can recognise duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from libs.logs import log_fields
from schemas import Envelope
from schemas.tickets import GuardedTicket, ProposedAction, TicketBody, Triage, TriagedTicket
from services.agent import metrics
from services.agent.output_guard import GuardResult, OutputPolicy, guard_output
from services.agent.triager import Triager

logger = logging.getLogger(__name__)

_BODY_FIELDS = set(TicketBody.model_fields)


def build_triaged(ticket: GuardedTicket, guarded: GuardResult, producer: str) -> TriagedTicket:
    outcome = guarded.outcome
    triage = Triage(
        category=outcome.category,
        urgency=outcome.urgency,
        sentiment=outcome.sentiment,
        language=outcome.language,
        confidence=outcome.confidence,
        rationale=outcome.rationale,
        extracted=outcome.extracted,
        draft_reply=outcome.draft_reply,
        proposed_actions=[
            ProposedAction(action_id=ticket.derive(f"action:{i}"), tool=call.tool, args=call.args)
            for i, call in enumerate(outcome.actions)
        ],
    )
    return TriagedTicket(
        **TriagedTicket.envelope(
            event_id=ticket.derive("agent"),
            ticket_id=ticket.ticket_id,
            tenant=ticket.tenant,
            producer=producer,
        ),
        **ticket.model_dump(include=_BODY_FIELDS),
        guard_verdict=ticket.verdict,
        guard_findings=ticket.findings,
        triage=triage,
        source=outcome.source,
        model=outcome.model,
        review_reasons=guarded.review_reasons,
        usage=outcome.usage,
    )


async def triage_ticket(
    ticket: GuardedTicket, triager: Triager, policy: OutputPolicy, producer: str
) -> tuple[TriagedTicket, GuardResult]:
    """Triage, then guard the output; the guard result says what was repaired and why."""
    outcome = await triager.triage(ticket)
    guarded = guard_output(outcome, ticket.pii, policy)
    return build_triaged(ticket, guarded, producer), guarded


def record(triaged: TriagedTicket, guarded: GuardResult) -> None:
    metrics.TRIAGED.labels(triaged.triage.category, triaged.source).inc()
    for issue in guarded.review:
        metrics.REVIEW.labels(issue.code).inc()
    for issue in guarded.repairs:
        metrics.REPAIRS.labels(issue.code).inc()


def make_handler(
    triager: Triager, policy: OutputPolicy, producer: str
) -> Callable[[GuardedTicket], Awaitable[Sequence[Envelope]]]:
    """The stage handler: triage, guard, count, and return the one output event."""

    async def handle(ticket: GuardedTicket) -> Sequence[Envelope]:
        triaged, guarded = await triage_ticket(ticket, triager, policy, producer)
        record(triaged, guarded)
        logger.info(
            "ticket triaged",
            extra=log_fields(
                "ticket_triaged",
                ticket_id=ticket.ticket_id,
                category=triaged.triage.category,
                urgency=triaged.triage.urgency,
                source=triaged.source,
                review=[issue.code for issue in guarded.review],
            ),
        )
        return [triaged]

    return handle
