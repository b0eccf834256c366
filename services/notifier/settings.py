"""Notifier settings (``TRIAGE_`` environment prefix)."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from libs.settings import ChatApiSettings, ServiceSettings, TenantSettings


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookSpec(_Spec):
    """A signed JSON webhook; without ``secret`` it is signed with TRIAGE_NOTIFY_WEBHOOK_SECRET."""

    type: Literal["webhook"]
    url: str
    secret: SecretStr | None = None
    name: str = "webhook"


class TelegramSpec(_Spec):
    """A Telegram chat (id or @channel name), reached with TRIAGE_TELEGRAM_BOT_TOKEN."""

    type: Literal["telegram"]
    chat_id: int | str
    name: str = "telegram"


class SlackSpec(_Spec):
    """A Slack channel id, reached with TRIAGE_SLACK_BOT_TOKEN."""

    type: Literal["slack"]
    channel: str
    name: str = "slack"


class LogSpec(_Spec):
    type: Literal["log"]
    name: str = "log"


ChannelSpec = Annotated[
    WebhookSpec | TelegramSpec | SlackSpec | LogSpec, Field(discriminator="type")
]


class NotifierSettings(ServiceSettings, TenantSettings, ChatApiSettings):
    service_name: str = "notifier"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    notify_webhook_url: str | None = None
    """Approver webhook (n8n or anything else) for pending actions; unset: no webhook channel."""
    notify_webhook_secret: SecretStr = SecretStr("dev-notify-webhook-secret")
    """HMAC secret of the approver webhook's X-Triage-Signature header."""
    notify_telegram_chat_id: int | str | None = None
    """Telegram chat that gets approval requests with buttons; unset: no Telegram channel."""
    notify_slack_channel: str | None = None
    """Slack channel id that gets approval requests with buttons; unset: no Slack channel."""
    notify_log_channel: bool = True
    """Write a structured log line (no PII) per approval request."""
    notify_tenant_channels: dict[str, list[ChannelSpec]] = Field(default_factory=dict)
    """JSON map tenant -> own channel list replacing the defaults (see the notifier README)."""
    approval_public_url: str = "http://127.0.0.1:8081"
    """Public base URL of approval-api, used in links and notifications."""
    notify_http_timeout_s: float = Field(default=5.0, gt=0)
    """Timeout of one webhook, chat API or callback POST."""
    notify_retry_attempts: int = Field(default=4, ge=1)
    """Attempts per event on transient failures (5xx, 429, timeouts) before the DLQ."""
    notify_retry_max_wait_s: float = Field(default=2.0, ge=0)
    """Longest backoff between two attempts."""

    @model_validator(mode="after")
    def _chat_channels_have_tokens(self) -> Self:
        # A chat channel without its bot token could never deliver: refuse to start.
        specs = [s for specs in self.notify_tenant_channels.values() for s in specs]
        if self.telegram_bot_token is None and (
            self.notify_telegram_chat_id is not None
            or any(isinstance(s, TelegramSpec) for s in specs)
        ):
            raise ValueError(
                "a Telegram channel is configured but TRIAGE_TELEGRAM_BOT_TOKEN is not"
            )
        if self.slack_bot_token is None and (
            self.notify_slack_channel is not None or any(isinstance(s, SlackSpec) for s in specs)
        ):
            raise ValueError("a Slack channel needs TRIAGE_SLACK_BOT_TOKEN")
        return self

    def default_specs(self) -> list[ChannelSpec]:
        """The channels of tenants without their own list, from the flat settings."""
        specs: list[ChannelSpec] = []
        if self.notify_webhook_url:
            specs.append(WebhookSpec(type="webhook", url=self.notify_webhook_url))
        if self.notify_telegram_chat_id is not None:
            specs.append(TelegramSpec(type="telegram", chat_id=self.notify_telegram_chat_id))
        if self.notify_slack_channel:
            specs.append(SlackSpec(type="slack", channel=self.notify_slack_channel))
        if self.notify_log_channel:
            specs.append(LogSpec(type="log"))
        return specs
