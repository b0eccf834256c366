"""Notifier settings (``TRIAGE_`` environment prefix)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from libs.settings import ServiceSettings, TenantSettings


class NotifierSettings(ServiceSettings, TenantSettings):
    service_name: str = "notifier"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    notify_webhook_url: str | None = None
    """Approver webhook (n8n or anything else) for pending actions; unset: no webhook channel."""
    notify_webhook_secret: SecretStr = SecretStr("dev-notify-webhook-secret")
    """HMAC secret of the approver webhook's X-Triage-Signature header."""
    notify_log_channel: bool = True
    """Write a structured log line (no PII) per approval request."""
    approval_public_url: str = "http://127.0.0.1:8081"
    """Public base URL of the approval API; notifications link to <url>/v1/pending/<id>."""
    notify_http_timeout_s: float = Field(default=5.0, gt=0)
    """Timeout of one webhook or callback POST."""
    notify_retry_attempts: int = Field(default=4, ge=1)
    """Attempts per event on transient failures (5xx, 429, timeouts) before the DLQ."""
    notify_retry_max_wait_s: float = Field(default=2.0, ge=0)
    """Longest backoff between two attempts."""
