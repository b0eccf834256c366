"""Notifier settings (``TRIAGE_`` environment prefix)."""

from __future__ import annotations

from pydantic import SecretStr

from libs.settings import ServiceSettings, TenantSettings


class NotifierSettings(ServiceSettings, TenantSettings):
    service_name: str = "notifier"
    #: Generic approver webhook (n8n or anything else); no webhook channel when unset.
    notify_webhook_url: str | None = None
    #: Signs webhook bodies (``X-Triage-Signature``) so the receiver can trust them.
    notify_webhook_secret: SecretStr = SecretStr("dev-notify-webhook-secret")
    #: The structured log line per approval request (no PII).
    notify_log_channel: bool = True
    #: Public base URL of the approval API; notifications link to ``/v1/pending/<id>``.
    approval_public_url: str = "http://127.0.0.1:8081"
    notify_http_timeout_s: float = 5.0
    #: Attempts per event for transient failures before the event goes to the DLQ.
    notify_retry_attempts: int = 4
    notify_retry_max_wait_s: float = 2.0
