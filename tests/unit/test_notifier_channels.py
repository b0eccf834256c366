"""Approver channels and upstream callbacks: wire format, signatures, error classes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
import respx
from pydantic import SecretStr

from libs.errors import PermanentError, TransientError
from libs.security import SIGNATURE_HEADER, SignatureError, verify
from libs.settings import TenantSettings
from services.notifier.callbacks import CallbackSender
from services.notifier.channels import ChannelSet, LogChannel, WebhookChannel
from services.notifier.config import channels_from_settings
from services.notifier.messages import approval_requested
from services.notifier.settings import NotifierSettings
from tests.unit.test_notifier_messages import outcome, pending

HOOK = "https://hooks.example/approvals"
DESK = "https://desk.example/hooks/triage"
NOTICE = approval_requested(pending(), "http://127.0.0.1:8081")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as c:
        yield c


@respx.mock
async def test_webhook_posts_the_payload_signed_with_the_webhook_secret(
    client: httpx.AsyncClient,
) -> None:
    route = respx.post(HOOK).mock(return_value=httpx.Response(204))

    receipt = await WebhookChannel(client, HOOK, "hook-secret").send(NOTICE)

    assert receipt == {"status_code": 204}
    request = route.calls.last.request
    assert orjson.loads(request.content) == NOTICE.payload()
    verify(request.headers[SIGNATURE_HEADER], request.content, ["hook-secret"])
    with pytest.raises(SignatureError):
        verify(request.headers[SIGNATURE_HEADER], request.content, ["other-secret"])


@pytest.mark.parametrize(
    ("status", "error"), [(500, TransientError), (429, TransientError), (410, PermanentError)]
)
@respx.mock
async def test_webhook_failures_are_classified_for_the_stage(
    client: httpx.AsyncClient, status: int, error: type[Exception]
) -> None:
    respx.post(HOOK).mock(return_value=httpx.Response(status))

    with pytest.raises(error):
        await WebhookChannel(client, HOOK, "hook-secret").send(NOTICE)


@respx.mock
async def test_webhook_connection_errors_are_transient(client: httpx.AsyncClient) -> None:
    respx.post(HOOK).mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(TransientError):
        await WebhookChannel(client, HOOK, "hook-secret").send(NOTICE)


async def test_log_channel_logs_identifiers_without_pii(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="services.notifier.channels"):
        await LogChannel().send(NOTICE)

    (record,) = [r for r in caplog.records if getattr(r, "event", None) == "approval_requested"]
    assert record.__dict__["ticket_id"] == "t-1"
    assert record.__dict__["action_id"] == str(NOTICE.action_id)
    assert record.__dict__["tool"] == "grant_compensation"
    assert record.__dict__["reason"] == "high-risk tool"
    assert record.__dict__["tenant"] == "starfall"
    logged = str(record.__dict__)
    assert "p_secretplayerhash" not in logged
    assert "[EMAIL_1]" not in logged
    assert "Sorry, we refund you." not in logged


def test_channel_set_prefers_a_tenants_own_channels() -> None:
    default, own = LogChannel(), LogChannel("ops-log")
    channels = ChannelSet([default], {"starfall": [own]})

    assert channels.for_tenant("starfall") == (own,)
    assert channels.for_tenant("demo") == (default,)


def test_channel_names_must_be_unique_because_markers_are_per_name() -> None:
    with pytest.raises(ValueError, match="log"):
        ChannelSet([LogChannel(), LogChannel()])


async def test_settings_without_webhook_url_configure_only_the_log_channel(
    client: httpx.AsyncClient,
) -> None:
    channels = channels_from_settings(NotifierSettings(notify_webhook_url=None), client)
    assert [c.name for c in channels.default] == ["log"]

    both = channels_from_settings(NotifierSettings(notify_webhook_url=HOOK), client)
    assert [c.name for c in both.default] == ["webhook", "log"]

    none = channels_from_settings(
        NotifierSettings(notify_webhook_url=None, notify_log_channel=False), client
    )
    assert none.default == ()


@respx.mock
async def test_callback_is_signed_with_the_tenants_current_secret(
    client: httpx.AsyncClient,
) -> None:
    route = respx.post(DESK).mock(return_value=httpx.Response(200, json={"ok": True}))
    tenants = TenantSettings(
        tenant_secrets={"starfall": [SecretStr("current"), SecretStr("previous")]}
    )
    item = outcome()

    receipt = await CallbackSender(client, tenants).send(DESK, item)

    assert receipt == {"status_code": 200}
    request = route.calls.last.request
    body = orjson.loads(request.content)
    assert body["type"] == "action_outcome"
    assert body["action_id"] == str(item.action_id)
    assert "result" not in body
    verify(request.headers[SIGNATURE_HEADER], request.content, ["current"])
    with pytest.raises(SignatureError):
        verify(request.headers[SIGNATURE_HEADER], request.content, ["previous"])


@respx.mock
async def test_callback_for_a_tenant_without_secret_fails_for_good(
    client: httpx.AsyncClient,
) -> None:
    route = respx.post(DESK).mock(return_value=httpx.Response(200))
    tenants = TenantSettings(tenant_secrets={})

    with pytest.raises(PermanentError, match="starfall"):
        await CallbackSender(client, tenants).send(DESK, outcome())
    assert not route.called
