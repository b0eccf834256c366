"""One ingest attempt for validated requests: admit, publish, remember.

The order gives the delivery guarantee: a ticket is claimed in Redis, written
to ``tickets.raw`` and only marked done (and answered "accepted") after the
broker acknowledged it. A failed write releases the claim and answers 503 so
the caller retries; nothing is answered 202 that is not durably written.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from redis.exceptions import RedisError

from libs.http import ApiError
from libs.kafka import Headers, PublishError, Record, record_for
from libs.logs import log_fields
from schemas import RawTicket, utcnow
from schemas.ingest import IngestError, IngestRequest, IngestResult, IngestStatus
from services.ingest.admission import Admission, AdmissionStore, Claim, Verdict
from services.ingest.broker import BrokerUnavailable, KafkaGateway
from services.ingest.mapping import to_raw_ticket

logger = logging.getLogger(__name__)

_STATUS: dict[Verdict, IngestStatus] = {
    Verdict.ADMITTED: "accepted",
    Verdict.DUPLICATE: "duplicate",
    Verdict.IN_FLIGHT: "rejected",
    Verdict.LIMITED: "rejected",
}


@dataclass(frozen=True)
class Submission:
    """The tickets of one HTTP request and the trace context their records carry."""

    requests: Sequence[IngestRequest]
    headers: Headers

    def keys(self) -> set[tuple[str, str]]:
        """The (tenant, message_id) pairs, the identity dedup goes by."""
        return {(r.tenant, r.message_id) for r in self.requests}


@dataclass(frozen=True)
class Outcome:
    """What became of one ticket; ``error`` and ``retry_after_s`` only when rejected."""

    ticket_id: str
    event_id: uuid.UUID
    status: IngestStatus
    error: IngestError | None = None
    retry_after_s: int | None = None

    @property
    def label(self) -> str:
        return self.error.code if self.error else self.status

    def result(self) -> IngestResult:
        return IngestResult(
            ticket_id=self.ticket_id,
            event_id=str(self.event_id),
            status=self.status,
            error=self.error,
        )


def unavailable(code: str, message: str, retry_after_s: int) -> ApiError:
    return ApiError(503, code, message, {"Retry-After": str(retry_after_s)})


class Ingestor:
    def __init__(
        self,
        store: AdmissionStore,
        gateway: KafkaGateway,
        *,
        player_hash_key: str,
        producer: str,
        retry_after_s: int,
    ) -> None:
        self._store = store
        self._gateway = gateway
        self._player_hash_key = player_hash_key
        self._producer = producer
        self._retry_after_s = retry_after_s

    async def ingest(self, submissions: Sequence[Submission]) -> list[list[Outcome]]:
        """Outcomes per submission, in request order; a message repeated in one call
        shares its first occurrence's outcome (and its record its trace).

        Raises a 503 :class:`ApiError` when Redis or the broker is unavailable.
        """
        requests = [(r, s.headers) for s in submissions for r in s.requests]
        if not requests:
            return [[] for _ in submissions]
        if not self._gateway.connected:
            raise unavailable("broker_unavailable", "no connection to Kafka", self._retry_after_s)
        received_at = utcnow()
        tickets: dict[tuple[str, str], tuple[RawTicket, Headers]] = {}
        for request, headers in requests:
            key = (request.tenant, request.message_id)
            if key not in tickets:
                raw = to_raw_ticket(
                    request,
                    player_hash_key=self._player_hash_key,
                    producer=self._producer,
                    received_at=received_at,
                )
                tickets[key] = (raw, headers)
        claims = {
            key: Claim(t.tenant, t.message_id, t.player_ref) for key, (t, _) in tickets.items()
        }
        try:
            admissions = await self._store.admit(list(claims.values()), received_at.timestamp())
        except RedisError as exc:
            logger.exception("redis unavailable", extra=log_fields("redis_unavailable"))
            raise unavailable(
                "redis_unavailable", "Redis unavailable", self._retry_after_s
            ) from exc
        verdicts = dict(zip(tickets, admissions, strict=True))
        admitted = [k for k, a in verdicts.items() if a.verdict is Verdict.ADMITTED]
        if admitted:
            await self._publish(
                [record_for(*tickets[k]) for k in admitted], [claims[k] for k in admitted]
            )
        outcomes = {k: self._outcome(tickets[k][0], verdicts[k]) for k in tickets}
        return [[outcomes[(r.tenant, r.message_id)] for r in s.requests] for s in submissions]

    async def _publish(self, records: Sequence[Record], claims: Sequence[Claim]) -> None:
        try:
            await self._gateway.publish(records)
        except (BrokerUnavailable, PublishError) as exc:
            logger.exception(
                "publish failed", extra=log_fields("publish_failed", tickets=len(records))
            )
            await self._release(claims)
            raise unavailable(
                "broker_unavailable", "Kafka did not acknowledge the write", self._retry_after_s
            ) from exc
        try:
            await self._store.mark_done(claims)
        except RedisError:
            # The tickets are durable, so they are accepted; their claims expire instead, and
            # a later resubmission re-publishes the same event ids, which downstream dedups.
            logger.exception(
                "could not mark tickets done", extra=log_fields("mark_done_failed", n=len(claims))
            )

    async def _release(self, claims: Sequence[Claim]) -> None:
        try:
            await self._store.release(claims)
        except RedisError:
            # The claims expire on their own; until then a retry answers in-flight.
            logger.exception("could not release claims", extra=log_fields("release_failed"))

    def _outcome(self, ticket: RawTicket, admission: Admission) -> Outcome:
        status = _STATUS[admission.verdict]
        if admission.verdict is Verdict.IN_FLIGHT:
            retry_after = self._retry_after_s
            error = IngestError(
                code="in_flight",
                message=f"this message is being processed, retry after {retry_after} s",
            )
        elif admission.verdict is Verdict.LIMITED:
            retry_after = admission.retry_after_s
            error = IngestError(
                code="rate_limited",
                message=f"too many tickets from this player, retry after {retry_after} s",
            )
        else:
            return Outcome(ticket.ticket_id, ticket.event_id, status)
        return Outcome(ticket.ticket_id, ticket.event_id, status, error, retry_after)
