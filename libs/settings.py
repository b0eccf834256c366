"""Settings pieces that every service composes into its own settings class.

All variables share the ``TRIAGE_`` prefix; every default works on the local stack.
The string under a field is its documentation (README table, ``.env.example``).
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

VERSION = "0.1.0"


class _Base(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRIAGE_",
        env_file=".env",
        extra="ignore",
        env_nested_delimiter="__",
        use_attribute_docstrings=True,
    )


class KafkaSettings(_Base):
    kafka_bootstrap: str = "127.0.0.1:9092"
    """Kafka bootstrap servers, comma-separated."""
    kafka_idempotence: bool = True
    """Idempotent producer; off only on the Tansu dev broker, which lacks it."""
    kafka_linger_ms: int = 5
    """Producer batching delay."""
    kafka_fetch_max_wait_ms: int = 500
    """Longest a stage's fetch waits for data at the broker (Tansu waits it out: dev uses 10)."""
    kafka_send_timeout_s: float = 10.0
    """How long a write may wait for the broker's acknowledgement."""
    kafka_session_timeout_s: float = 10.0
    """Consumer group session timeout."""
    kafka_rebalance_timeout_s: float = 10.0
    """Consumer group rebalance timeout."""
    kafka_heartbeat_interval_s: float = 1.0
    """Consumer heartbeat interval."""
    kafka_group_instance_id: str | None = None
    """Static group membership id (e.g. the pod name): no rebalance on a rolling restart."""
    kafka_replication_factor: int = 1
    """Replication factor for topics the services create (3 in production)."""
    stage_batch_size: int = 100
    """Events a stream stage takes per batch."""
    stage_batch_within_s: float = 0.05
    """Longest wait to fill a batch."""
    stage_concurrency: int = 16
    """Events handled at once per process (one ticket's events stay in order)."""


class RedisSettings(_Base):
    redis_url: str = "redis://127.0.0.1:6379/0"
    """Redis URL (dedup, rate limits, pending approvals, idempotency markers)."""
    redis_timeout_s: float = 2.0
    """Redis socket and connect timeout."""


class TelemetrySettings(_Base):
    log_level: str = "INFO"
    """Log level of the JSON logs."""
    metrics_port: int = 0
    """Port of a worker's Prometheus /metrics (0: off; HTTP services serve it themselves)."""
    otlp_endpoint: str | None = None
    """OTLP/HTTP endpoint for traces, e.g. ``http://otel-collector:4318`` (unset: not exported)."""
    trace_file: str | None = None
    """Append every finished span to this file as a JSON line (tests and local debugging)."""
    consumer_lag_interval_s: float = 15.0
    """How often a worker measures the consumer lag of its assigned partitions (0: off)."""


class PrivacySettings(_Base):
    player_hash_key: SecretStr = SecretStr("dev-player-hash-key")
    """Key of the keyed hash that replaces player ids on every topic."""


class ServiceSettings(KafkaSettings, RedisSettings, TelemetrySettings):
    """What every service needs: broker, Redis, telemetry."""

    service_name: str = "triage"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    @property
    def producer_id(self) -> str:
        return f"{self.service_name}@{VERSION}"


class TenantSettings(_Base):
    """Per-tenant shared secrets: verify inbound webhooks and sign upstream callbacks."""

    tenant_secrets: dict[str, list[SecretStr]] = {
        "starfall": [SecretStr("dev-secret-starfall")],
        "demo": [SecretStr("dev-secret-demo")],
    }
    """JSON map tenant -> list of secrets (several during a rotation)."""

    def secrets_for(self, tenant: str) -> list[str]:
        return [s.get_secret_value() for s in self.tenant_secrets.get(tenant, [])]


class ChatApiSettings(_Base):
    """Bot credentials and API bases of the chat apps approvers use (notifier, approval-api)."""

    telegram_bot_token: SecretStr | None = None
    """Telegram bot token (sendMessage, answerCallbackQuery, editMessageText); unset: off."""
    telegram_api_url: str = "https://api.telegram.org"
    """Base of the Telegram Bot API (a local server in tests, the sink in `make run`)."""
    slack_bot_token: SecretStr | None = None
    """Slack bot token (xoxb-..., chat.postMessage and chat.update); unset: no Slack."""
    slack_api_url: str = "https://slack.com/api"
    """Base of the Slack Web API (a local server in tests, the sink in `make run`)."""
