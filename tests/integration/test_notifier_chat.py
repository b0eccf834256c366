"""Telegram and Slack channels against a local stand-in for their APIs; deliveries on real Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr

from libs.chat import Button, SlackApi, TelegramApi
from libs.devstack.sink import create_sink
from libs.errors import PermanentError, TransientError
from libs.redis_client import redis_client
from libs.security import SIGNATURE_HEADER, verify
from libs.settings import RedisSettings, TenantSettings
from services.notifier.callbacks import CallbackSender
from services.notifier.config import channels_from_settings
from services.notifier.handlers import Notifier
from services.notifier.messages import approval_requested
from services.notifier.settings import NotifierSettings, SlackSpec, WebhookSpec
from services.notifier.slack import SlackChannel
from services.notifier.telegram import TelegramChannel
from tests.integration.test_notifier import make_pending
from tests.support.fake_chat import FakeChatApi
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo

pytestmark = pytest.mark.integration

BOT_TOKEN = "123456:TEST-bot-token"
SLACK_TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeChatApi]:
    with FakeChatApi() as api:
        yield api


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=2.0) as c:
        yield c


def _telegram(fake: FakeChatApi, client: httpx.AsyncClient) -> TelegramChannel:
    return TelegramChannel(TelegramApi(client, f"{fake.url}/tg", BOT_TOKEN), -1001)


def _slack(fake: FakeChatApi, client: httpx.AsyncClient) -> SlackChannel:
    return SlackChannel(SlackApi(client, f"{fake.url}/slack", SLACK_TOKEN), "C0APPROVE")


async def test_telegram_send_message_with_keyboard(
    fake: FakeChatApi, client: httpx.AsyncClient
) -> None:
    notice = approval_requested(make_pending("t-tg"), "https://approve.example")

    receipt = await _telegram(fake, client).send(notice)

    (call,) = fake.calls()
    assert call.path == f"/tg/bot{BOT_TOKEN}/sendMessage"
    assert call.body["chat_id"] == -1001
    assert "Approval needed: grant_compensation" in call.body["text"]
    (row,) = call.body["reply_markup"]["inline_keyboard"]
    assert [Button.decode(b["callback_data"]) for b in row] == [
        Button("approve", notice.action_id),
        Button("reject", notice.action_id),
    ]
    assert receipt == {"chat_id": -1001, "message_id": 1}


async def test_slack_post_message_with_bearer_token_and_blocks(
    fake: FakeChatApi, client: httpx.AsyncClient
) -> None:
    notice = approval_requested(make_pending("t-slack"), "https://approve.example")

    receipt = await _slack(fake, client).send(notice)

    (call,) = fake.calls()
    assert call.path == "/slack/chat.postMessage"
    assert call.headers["Authorization"] == f"Bearer {SLACK_TOKEN}"
    assert call.headers["Content-Type"] == "application/json; charset=utf-8"
    assert call.body["channel"] == "C0APPROVE"
    (actions,) = [b for b in call.body["blocks"] if b["type"] == "actions"]
    assert [Button.decode(e["value"]) for e in actions["elements"]] == [
        Button("approve", notice.action_id),
        Button("reject", notice.action_id),
    ]
    assert receipt == {"channel": "C0APPROVE", "ts": "1700000000.000001"}


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, {"ok": False, "error": "channel_not_found"}, PermanentError),
        (200, {"ok": False, "error": "internal_error"}, TransientError),
        (429, {"ok": False, "error": "ratelimited"}, TransientError),
        (403, {"ok": False, "error": "not_authed"}, PermanentError),
    ],
)
async def test_slack_errors_are_classified_even_when_answered_200(
    fake: FakeChatApi,
    client: httpx.AsyncClient,
    status: int,
    body: dict[str, object],
    error: type[Exception],
) -> None:
    fake.fail("/chat.postMessage", status, body)
    notice = approval_requested(make_pending("t-slack-err"), "https://a.example")

    with pytest.raises(error):
        await _slack(fake, client).send(notice)


@pytest.mark.parametrize(
    ("status", "error"), [(400, PermanentError), (403, PermanentError), (502, TransientError)]
)
async def test_telegram_errors_never_reveal_the_bot_token(
    fake: FakeChatApi, client: httpx.AsyncClient, status: int, error: type[Exception]
) -> None:
    fake.fail("/sendMessage", status, {"ok": False, "description": "Bad Request: chat not found"})
    notice = approval_requested(make_pending("t-tg-err"), "https://a.example")

    with pytest.raises(error) as raised:
        await _telegram(fake, client).send(notice)
    assert BOT_TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None
    assert "<token>" in str(raised.value)


async def test_unreachable_telegram_is_transient_and_hides_the_token(
    client: httpx.AsyncClient,
) -> None:
    with FakeChatApi() as gone:
        url = gone.url
    channel = TelegramChannel(TelegramApi(client, url, BOT_TOKEN), 1)

    with pytest.raises(TransientError) as raised:
        await channel.send(approval_requested(make_pending("t-down"), "https://a.example"))
    assert BOT_TOKEN not in str(raised.value)


def _deliveries(channel: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "triage_notifier_deliveries_total", {"channel": channel, "outcome": outcome}
    )
    return value or 0.0


async def test_each_tenant_reaches_its_own_channels_and_failures_stay_per_channel(
    stack: StackInfo, fake: FakeChatApi, client: httpx.AsyncClient
) -> None:
    settings = NotifierSettings(
        telegram_bot_token=SecretStr(BOT_TOKEN),
        telegram_api_url=f"{fake.url}/tg",
        slack_bot_token=SecretStr(SLACK_TOKEN),
        slack_api_url=f"{fake.url}/slack",
        notify_telegram_chat_id=-1001,
        notify_log_channel=False,
        notify_tenant_channels={
            "starfall": [
                SlackSpec(type="slack", channel="C0STAR"),
                WebhookSpec(type="webhook", url=f"{fake.url}/hook", name="n8n"),
            ]
        },
    )
    redis = redis_client(RedisSettings(redis_url=stack.redis_url))
    notifier = Notifier(
        redis,
        channels_from_settings(settings, client),
        CallbackSender(client, TenantSettings()),
        "https://approve.example",
    )
    try:
        starfall = make_pending(str(uuid.uuid4()))
        other = make_pending(str(uuid.uuid4())).model_copy(update={"tenant": "moonrise"})
        await notifier.on_pending(starfall)
        await notifier.on_pending(other)
        await notifier.on_pending(starfall)  # a redelivery notifies nobody again

        assert [c.body["channel"] for c in fake.calls("chat.postMessage")] == ["C0STAR"]
        assert len(fake.calls("hook", containing=str(starfall.action_id))) == 1
        (sent,) = fake.calls("sendMessage")
        assert str(other.action_id.hex) in str(sent.body["reply_markup"])

        # Slack refuses for good; the webhook still delivers, once, and the event is for the DLQ.
        fake.fail("/chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
        before = _deliveries("slack", "permanent_error")
        failing = make_pending(str(uuid.uuid4()))
        with pytest.raises(PermanentError, match="slack: PermanentError: .*channel_not_found"):
            await notifier.on_pending(failing)
        assert len(fake.calls("hook", containing=str(failing.action_id))) == 1
        assert _deliveries("slack", "permanent_error") == before + 1
    finally:
        await redis.aclose()


async def test_a_webhook_channel_per_tenant_is_signed_with_its_own_secret(
    client: httpx.AsyncClient,
) -> None:
    with HttpRecorder() as recorder:
        own = WebhookSpec(type="webhook", url=f"{recorder.url}/own", secret=SecretStr("own"))
        settings = NotifierSettings(notify_tenant_channels={"starfall": [own]})
        (channel,) = channels_from_settings(settings, client).for_tenant("starfall")
        await channel.send(approval_requested(make_pending("t-own"), "https://a.example"))
        (call,) = recorder.calls("/own")

    verify(call.headers[SIGNATURE_HEADER], call.body, ["own"])


async def test_the_local_sink_stands_in_for_both_chat_apis() -> None:
    """What `make run` relies on: the sink's answer is a success for both clients."""
    sink = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_sink()), base_url="http://s")
    async with sink:
        notice = approval_requested(make_pending("t-sink"), "https://a.example")
        telegram = TelegramChannel(TelegramApi(sink, "http://s/telegram", BOT_TOKEN), -1001)
        slack = SlackChannel(SlackApi(sink, "http://s/slack", SLACK_TOKEN), "C0DEV")

        assert await telegram.send(notice) == {"chat_id": -1001, "message_id": None}
        assert await slack.send(notice) == {"channel": "C0DEV", "ts": None}
        records = (await sink.get("/records")).json()
    assert [r["path"] for r in records] == [
        f"/telegram/bot{BOT_TOKEN}/sendMessage",
        "/slack/chat.postMessage",
    ]
