"""Ingest settings (``TRIAGE_`` environment prefix)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from libs.settings import PrivacySettings, ServiceSettings, TenantSettings

KIB = 1024
DAY_S = 24 * 3600


class IngestSettings(ServiceSettings, TenantSettings, PrivacySettings):
    service_name: str = "ingest"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    ingest_host: str = "127.0.0.1"
    """Address the ingest HTTP server binds."""
    ingest_port: int = 8080
    """Port of the ingest HTTP server."""
    ingest_require_signature: bool = True
    """Refuse requests without a valid X-Triage-Signature; false logs a warning at start-up."""
    ingest_signature_window_s: int = Field(default=300, gt=0)
    """Replay window: how far a signature's timestamp may be from now."""
    ingest_max_body_bytes: int = Field(default=256 * KIB, gt=0)
    """Largest body of POST /v1/tickets (413 above)."""
    ingest_max_batch_body_bytes: int = Field(default=4 * KIB * KIB, gt=0)
    """Largest body of POST /v1/tickets:batch (413 above)."""
    ingest_dedup_ttl_s: int = Field(default=7 * DAY_S, gt=0)
    """How long a processed (tenant, message_id) answers "duplicate"."""
    ingest_inflight_ttl_s: int = Field(default=30, gt=0)
    """Lifetime of the dedup claim while a ticket is being written; exceeds the send timeout."""
    ingest_rate_per_minute: int = Field(default=30, gt=0)
    """Tickets one player may post per minute."""
    ingest_rate_burst: int = Field(default=10, gt=0)
    """Tickets one player may post per burst window."""
    ingest_rate_burst_window_s: int = Field(default=10, gt=0)
    """Length of the burst window."""
    ingest_retry_after_s: int = Field(default=2, gt=0)
    """Retry-After of 503 (Kafka or Redis down) and 409 (same message in flight) answers."""
    ingest_batch_max_tickets: int = Field(default=256, gt=0)
    """Most tickets one flush (one Redis round trip, one produce) takes from waiting requests."""
    ingest_batch_linger_ms: float = Field(default=0.0, ge=0)
    """How long an idle batcher waits for more requests before a flush takes what came."""
    ingest_batch_max_in_flight: int = Field(default=4, gt=0)
    """Flushes running at once; more requests wait and share the next free one."""
    ingest_producer_linger_ms: int = Field(default=0, ge=0)
    """Ingest's producer linger, instead of TRIAGE_KAFKA_LINGER_MS: the batcher coalesces."""

    @model_validator(mode="after")
    def _claim_outlasts_send(self) -> Self:
        # A claim that expired mid-write would let a retry publish the ticket twice.
        if self.ingest_inflight_ttl_s <= self.kafka_send_timeout_s:
            raise ValueError("ingest_inflight_ttl_s must exceed kafka_send_timeout_s")
        return self
