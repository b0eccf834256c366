"""Approver channels: where an :class:`ApprovalRequested` notice is delivered.

A channel only knows how to send one notice and how to fail (``TransientError``
to be retried, anything else for the DLQ); idempotency, retries and metrics
are the caller's. Each channel has a name that is unique in its set, because
the idempotency marker is kept per (event, channel name). Chat channels
(``telegram.py``, ``slack.py``) are further subclasses; ``config.py`` builds
the default and per-tenant :class:`ChannelSet` from settings.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from libs.logs import log_fields
from libs.outbound import post_json
from services.notifier.messages import ApprovalRequested

logger = logging.getLogger(__name__)


class Channel(ABC):
    """One way of reaching approvers."""

    def __init__(self, name: str) -> None:
        self.name = name

    @abstractmethod
    async def send(self, notice: ApprovalRequested) -> dict[str, Any]:
        """Deliver ``notice``; the JSON-able receipt is kept with the idempotency marker."""


class WebhookChannel(Channel):
    """POSTs the notice as JSON, HMAC-signed, to one URL (n8n, a desk, a bot, ...)."""

    def __init__(
        self, client: httpx.AsyncClient, url: str, secret: str, name: str = "webhook"
    ) -> None:
        super().__init__(name)
        self._client = client
        self._url = url
        self._secret = secret

    async def send(self, notice: ApprovalRequested) -> dict[str, Any]:
        response = await post_json(
            self._client, self._url, notice.payload(), signing_secret=self._secret
        )
        return {"status_code": response.status_code}


class LogChannel(Channel):
    """A structured log line per request: identifiers and reason only, never PII."""

    def __init__(self, name: str = "log") -> None:
        super().__init__(name)

    async def send(self, notice: ApprovalRequested) -> dict[str, Any]:
        logger.info(
            "approval requested",
            extra=log_fields("approval_requested", channel=self.name, **notice.log_fields()),
        )
        return {}


class ChannelSet:
    """The channels that reach a tenant's approvers: its own set, else the default one."""

    def __init__(
        self, default: Sequence[Channel], by_tenant: Mapping[str, Sequence[Channel]] | None = None
    ) -> None:
        self._default = _unique(default)
        self._by_tenant = {tenant: _unique(chs) for tenant, chs in (by_tenant or {}).items()}

    @property
    def default(self) -> tuple[Channel, ...]:
        return self._default

    def for_tenant(self, tenant: str) -> tuple[Channel, ...]:
        return self._by_tenant.get(tenant, self._default)


def _unique(channels: Sequence[Channel]) -> tuple[Channel, ...]:
    names = [c.name for c in channels]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"channel names must be unique, repeated: {duplicates}")
    return tuple(channels)
