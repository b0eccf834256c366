"""The guard stage handler: a raw ticket in, a guarded or blocked ticket out.

The ticket body is copied with its text replaced by the redacted text, so no
topic after ``tickets.raw.v1`` carries the player's PII. Logs name rules and
scores only, never text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from prometheus_client import Counter
from redis.exceptions import RedisError

from libs.errors import TransientError
from libs.logs import log_fields
from schemas import BlockedTicket, Envelope, GuardedTicket, RawTicket
from schemas.tickets import TicketBody
from services.guard.engine import GuardEngine, GuardResult
from services.guard.vault import PiiVault

logger = logging.getLogger(__name__)

GUARD_VERDICTS = Counter("triage_guard_verdicts", "Input-guard verdicts", ["verdict"])
GUARD_FINDINGS = Counter("triage_guard_findings", "Input-guard findings by kind", ["kind"])

_BODY_FIELDS = set(TicketBody.model_fields)


def guard_event(
    raw: RawTicket, result: GuardResult, producer: str
) -> GuardedTicket | BlockedTicket:
    """The output event for ``raw``; its id derives from the input's, so redeliveries match."""
    model: type[GuardedTicket] | type[BlockedTicket] = (
        BlockedTicket if result.verdict == "block" else GuardedTicket
    )
    fields = {
        **raw.model_dump(include=_BODY_FIELDS),
        **model.envelope(
            event_id=raw.derive("guard"),
            ticket_id=raw.ticket_id,
            tenant=raw.tenant,
            producer=producer,
        ),
        "text": result.redacted_text,
        "findings": result.findings,
        "pii": result.pii,
    }
    if model is GuardedTicket:
        fields["verdict"] = result.verdict
    return model.model_validate(fields)


def make_handler(
    engine: GuardEngine, producer: str, vault: PiiVault | None = None
) -> Callable[[RawTicket], Awaitable[Sequence[Envelope]]]:
    """The stage handler: check the text, vault its PII, count the verdict, emit one event.

    The PII mapping is stored before the event is emitted, so whoever reads the
    event can already reveal its placeholders; a Redis failure is transient.
    """

    async def handle(raw: RawTicket) -> Sequence[Envelope]:
        result = engine.check(raw.text)
        if vault is not None and result.pii_values:
            try:
                await vault.store(raw.ticket_id, result.pii_values)
            except RedisError as exc:
                raise TransientError(f"cannot store the PII mapping: {exc!r}") from exc
        GUARD_VERDICTS.labels(result.verdict).inc()
        for finding in result.findings:
            GUARD_FINDINGS.labels(finding.kind).inc()
        if result.verdict != "pass":
            logger.info(
                "ticket %s by the input guard",
                "blocked" if result.verdict == "block" else "flagged",
                extra=log_fields(
                    "guard_verdict",
                    ticket_id=raw.ticket_id,
                    verdict=result.verdict,
                    score=result.score,
                    rules=sorted({f.rule_id for f in result.findings}),
                ),
            )
        return [guard_event(raw, result, producer)]

    return handle
