"""Settings pieces that every service composes into its own settings class.

All variables share the ``TRIAGE_`` prefix; every default works on the local stack.
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

VERSION = "0.1.0"


class _Base(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRIAGE_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )


class KafkaSettings(_Base):
    kafka_bootstrap: str = "127.0.0.1:9092"
    #: Off only on the Tansu dev broker, which lacks idempotent producers.
    kafka_idempotence: bool = True
    kafka_linger_ms: int = 5
    kafka_send_timeout_s: float = 10.0
    kafka_session_timeout_s: float = 10.0
    kafka_rebalance_timeout_s: float = 10.0
    kafka_heartbeat_interval_s: float = 1.0
    #: Static group membership (e.g. the pod name) to avoid rebalance storms on restarts.
    kafka_group_instance_id: str | None = None
    kafka_replication_factor: int = 1
    stage_batch_size: int = 100
    stage_batch_within_s: float = 0.05
    stage_concurrency: int = 16


class RedisSettings(_Base):
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_timeout_s: float = 2.0


class TelemetrySettings(_Base):
    log_level: str = "INFO"
    metrics_port: int = 0
    otlp_endpoint: str | None = None


class PrivacySettings(_Base):
    #: Key for the keyed hash that replaces player ids on every topic.
    player_hash_key: SecretStr = SecretStr("dev-player-hash-key")


class ServiceSettings(KafkaSettings, RedisSettings, TelemetrySettings):
    """What every service needs: broker, Redis, telemetry."""

    service_name: str = "triage"

    @property
    def producer_id(self) -> str:
        return f"{self.service_name}@{VERSION}"


class TenantSettings(_Base):
    """Per-tenant shared secrets: verify inbound webhooks and sign upstream callbacks.

    ``TRIAGE_TENANT_SECRETS='{"starfall": "s3cret"}'``; a list value allows rotation.
    """

    tenant_secrets: dict[str, list[SecretStr]] = {
        "starfall": [SecretStr("dev-secret-starfall")],
        "demo": [SecretStr("dev-secret-demo")],
    }

    def secrets_for(self, tenant: str) -> list[str]:
        return [s.get_secret_value() for s in self.tenant_secrets.get(tenant, [])]
