"""Channel sets from settings: the default channels, and each named tenant's own."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from libs.chat import SlackApi, TelegramApi
from services.notifier.channels import Channel, ChannelSet, LogChannel, WebhookChannel
from services.notifier.settings import (
    ChannelSpec,
    LogSpec,
    NotifierSettings,
    SlackSpec,
    TelegramSpec,
    WebhookSpec,
)
from services.notifier.slack import SlackChannel
from services.notifier.telegram import TelegramChannel


def channels_from_settings(settings: NotifierSettings, client: httpx.AsyncClient) -> ChannelSet:
    """Raises ValueError (names repeated in one set) so a bad configuration stops start-up."""

    def build(specs: Sequence[ChannelSpec]) -> list[Channel]:
        return [_channel(spec, settings, client) for spec in specs]

    return ChannelSet(
        build(settings.default_specs()),
        {tenant: build(specs) for tenant, specs in settings.notify_tenant_channels.items()},
    )


def _channel(spec: ChannelSpec, settings: NotifierSettings, client: httpx.AsyncClient) -> Channel:
    match spec:
        case WebhookSpec():
            secret = spec.secret or settings.notify_webhook_secret
            return WebhookChannel(client, spec.url, secret.get_secret_value(), name=spec.name)
        case TelegramSpec():
            assert settings.telegram_bot_token is not None  # checked by the settings validator
            api = TelegramApi(
                client, settings.telegram_api_url, settings.telegram_bot_token.get_secret_value()
            )
            return TelegramChannel(api, spec.chat_id, name=spec.name)
        case SlackSpec():
            assert settings.slack_bot_token is not None  # checked by the settings validator
            api_s = SlackApi(
                client, settings.slack_api_url, settings.slack_bot_token.get_secret_value()
            )
            return SlackChannel(api_s, spec.channel, name=spec.name)
        case LogSpec():
            return LogChannel(name=spec.name)
