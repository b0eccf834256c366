"""Ingest settings: shared pieces plus the HTTP, signature, dedup and rate-limit knobs."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from libs.settings import PrivacySettings, ServiceSettings, TenantSettings

KIB = 1024
DAY_S = 24 * 3600


class IngestSettings(ServiceSettings, TenantSettings, PrivacySettings):
    service_name: str = "ingest"

    ingest_host: str = "127.0.0.1"
    ingest_port: int = 8080
    #: ``false`` accepts requests without checking signatures (a warning is logged at start-up).
    ingest_require_signature: bool = True
    ingest_signature_window_s: int = Field(default=300, gt=0)
    ingest_max_body_bytes: int = Field(default=256 * KIB, gt=0)
    ingest_max_batch_body_bytes: int = Field(default=4 * KIB * KIB, gt=0)
    #: How long a processed (tenant, message_id) answers "duplicate".
    ingest_dedup_ttl_s: int = Field(default=7 * DAY_S, gt=0)
    #: Lifetime of the in-flight claim; must outlast ``kafka_send_timeout_s``.
    ingest_inflight_ttl_s: int = Field(default=30, gt=0)
    ingest_rate_per_minute: int = Field(default=30, gt=0)
    ingest_rate_burst: int = Field(default=10, gt=0)
    ingest_rate_burst_window_s: int = Field(default=10, gt=0)
    #: Retry-After (seconds) on 503 and on 409 in-flight answers.
    ingest_retry_after_s: int = Field(default=2, gt=0)

    @model_validator(mode="after")
    def _claim_outlasts_send(self) -> Self:
        # A claim that expired mid-produce would let a retry publish the ticket twice.
        if self.ingest_inflight_ttl_s <= self.kafka_send_timeout_s:
            raise ValueError("ingest_inflight_ttl_s must exceed kafka_send_timeout_s")
        return self
