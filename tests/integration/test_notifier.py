"""The notifier against the real broker and Redis, with a local HTTP recorder as receiver."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from libs import topics
from libs.devstack.stack import free_port
from libs.errors import PermanentError, TransientError
from libs.redis_client import redis_client
from libs.security import SIGNATURE_HEADER, verify
from libs.settings import RedisSettings, TenantSettings
from schemas import ActionOutcome, DeadLetter, PendingAction, utcnow
from services.notifier.callbacks import CallbackSender
from services.notifier.channels import Channel, ChannelSet, LogChannel, WebhookChannel
from services.notifier.handlers import Notifier
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import Message, StackInfo, consume, produce, service

pytestmark = pytest.mark.integration

HOOK_SECRET = "hook-secret"
TENANT_SECRET = "tenant-secret"
#: Bodies containing this are answered 500 by the recorder, for ever.
FAIL_MARKER = "fail-forever"


@pytest.fixture
def recorder() -> Iterator[HttpRecorder]:
    """``/status/<code>`` answers ``code``; a body containing ``FAIL_MARKER`` gets 500."""
    with HttpRecorder() as rec:
        for code in (410, 500, 503):
            rec.answer(f"/status/{code}", code)
        rec.answer_containing(FAIL_MARKER, 500)
        yield rec


def make_pending(ticket_id: str, *, reason: str = "high-risk tool") -> PendingAction:
    return PendingAction.model_validate(
        {
            **PendingAction.envelope(
                event_id=uuid.uuid4(), ticket_id=ticket_id, tenant="starfall", producer="test@0"
            ),
            "action_id": uuid.uuid4(),
            "kind": "action",
            "tool": "grant_compensation",
            "args": {"amount": 5, "currency": "gems", "reason": "sorry"},
            "reason": reason,
            "message_id": f"m-{ticket_id}",
            "player_ref": "p_do_not_log_me",
            "text": "charged twice",
            "category": "billing",
            "urgency": "high",
            "draft_reply": "We are on it.",
            "expires_at": utcnow() + timedelta(hours=1),
        }
    )


def make_outcome(ticket_id: str, callback_url: str | None) -> ActionOutcome:
    return ActionOutcome.model_validate(
        {
            **ActionOutcome.envelope(
                event_id=uuid.uuid4(), ticket_id=ticket_id, tenant="starfall", producer="test@0"
            ),
            "action_id": uuid.uuid4(),
            "tool": "send_reply",
            "args": {"reply": "hi"},
            "status": "executed",
            "decided_by": "alice",
            "decision_channel": "inbox",
            "decided_at": utcnow(),
            "message_id": f"m-{ticket_id}",
            "callback_url": callback_url,
        }
    )


def record(model: PendingAction | ActionOutcome) -> tuple[str, bytes, bytes]:
    topic = topics.PENDING if isinstance(model, PendingAction) else topics.EXECUTED
    return topic.name, model.ticket_id.encode(), model.to_json()


# --- the handlers in process, against the real Redis -------------------------------------------


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield client


@pytest.fixture
async def notifier_for(
    stack: StackInfo, http_client: httpx.AsyncClient
) -> AsyncIterator[Callable[[list[Channel]], Notifier]]:
    redis = redis_client(RedisSettings(redis_url=stack.redis_url))
    tenants = TenantSettings(tenant_secrets={"starfall": [SecretStr(TENANT_SECRET)]})

    def build(channels: list[Channel]) -> Notifier:
        return Notifier(redis, ChannelSet(channels), CallbackSender(http_client, tenants), "x")

    yield build
    await redis.aclose()


async def test_a_retry_repeats_only_the_channels_that_failed(
    recorder: HttpRecorder,
    http_client: httpx.AsyncClient,
    notifier_for: Callable[[list[Channel]], Notifier],
) -> None:
    good = WebhookChannel(http_client, f"{recorder.url}/good", HOOK_SECRET, name="good")
    bad = WebhookChannel(http_client, f"{recorder.url}/status/503", HOOK_SECRET, name="bad")
    notifier = notifier_for([good, bad, LogChannel()])
    pending = make_pending(str(uuid.uuid4()))

    for _ in range(2):
        with pytest.raises(TransientError):
            await notifier.on_pending(pending)

    action = str(pending.action_id)
    assert len(recorder.calls("/good", containing=action)) == 1
    assert len(recorder.calls("/status/503", containing=action)) == 2


async def test_a_permanent_failure_is_raised_for_the_dlq(
    recorder: HttpRecorder,
    http_client: httpx.AsyncClient,
    notifier_for: Callable[[list[Channel]], Notifier],
) -> None:
    gone = WebhookChannel(http_client, f"{recorder.url}/status/410", HOOK_SECRET)
    notifier = notifier_for([gone])

    with pytest.raises(PermanentError, match="410"):
        await notifier.on_pending(make_pending(str(uuid.uuid4())))


async def test_without_channels_a_pending_action_is_not_dropped_silently(
    notifier_for: Callable[[list[Channel]], Notifier],
) -> None:
    with pytest.raises(PermanentError, match="no approver channel"):
        await notifier_for([]).on_pending(make_pending(str(uuid.uuid4())))


async def test_outcomes_without_callback_url_send_nothing(
    recorder: HttpRecorder, notifier_for: Callable[[list[Channel]], Notifier]
) -> None:
    assert await notifier_for([LogChannel()]).on_outcome(make_outcome("t", None)) == []
    assert recorder.calls() == []


# --- the worker as a real process ---------------------------------------------------------------


def deliveries(metrics: str, channel: str, outcome: str) -> float:
    sample = f'triage_notifier_deliveries_total{{channel="{channel}",outcome="{outcome}"}} '
    return sum(
        float(line.removeprefix(sample)) for line in metrics.splitlines() if line.startswith(sample)
    )


def dead_letters(messages: list[Message], event_id: uuid.UUID) -> list[DeadLetter]:
    letters = [DeadLetter.model_validate_json(m.value) for m in messages]
    return [d for d in letters if str(event_id) in d.value]


async def test_worker_notifies_once_signed_and_dead_letters_what_never_succeeds(
    stack: StackInfo, recorder: HttpRecorder, tmp_path: Path
) -> None:
    env = stack.env(
        TRIAGE_NOTIFY_WEBHOOK_URL=f"{recorder.url}/hook",
        TRIAGE_NOTIFY_WEBHOOK_SECRET=HOOK_SECRET,
        TRIAGE_TENANT_SECRETS=json.dumps({"starfall": [TENANT_SECRET]}),
        TRIAGE_APPROVAL_PUBLIC_URL="https://approve.example",
        TRIAGE_NOTIFY_RETRY_ATTEMPTS="2",
        TRIAGE_NOTIFY_RETRY_MAX_WAIT_S="0.1",
        TRIAGE_METRICS_PORT=str(metrics_port := free_port()),
    )
    ticket_a, ticket_b = str(uuid.uuid4()), str(uuid.uuid4())
    pending = make_pending(ticket_a)
    outcome = make_outcome(ticket_b, f"{recorder.url}/callback")
    # Same keys as the records above: on their partitions, handled after the duplicates.
    failing_pending = make_pending(ticket_a, reason=FAIL_MARKER)
    failing_outcome = make_outcome(ticket_b, f"{recorder.url}/status/500")
    action_a, action_b = str(pending.action_id), str(outcome.action_id)
    log = tmp_path / "notifier.log"

    with service(["services.notifier"], env, log):
        await produce(stack.kafka_bootstrap, [record(pending), record(outcome)])
        await recorder.wait_for(
            lambda: (
                bool(recorder.calls("/hook", containing=action_a))
                and bool(recorder.calls("/callback", containing=action_b))
            ),
            timeout_s=40,
        )
        await produce(
            stack.kafka_bootstrap,
            [record(pending), record(outcome), record(failing_pending), record(failing_outcome)],
        )
        pending_dlq = await consume(
            stack.kafka_bootstrap,
            [topics.PENDING.dlq],
            until=1,
            match=str(failing_pending.event_id).encode(),
        )
        executed_dlq = await consume(
            stack.kafka_bootstrap,
            [topics.EXECUTED.dlq],
            until=1,
            match=str(failing_outcome.event_id).encode(),
        )
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text

    (hook,) = recorder.calls("/hook", containing=action_a)
    verify(hook.headers[SIGNATURE_HEADER], hook.body, [HOOK_SECRET])
    assert hook.json()["type"] == "approval_requested"
    assert hook.json()["approve_url"] == f"https://approve.example/v1/pending/{action_a}"

    (callback,) = recorder.calls("/callback", containing=action_b)
    verify(callback.headers[SIGNATURE_HEADER], callback.body, [TENANT_SECRET])
    assert callback.json()["type"] == "action_outcome"
    assert callback.json()["status"] == "executed"

    (pending_letter,) = dead_letters(pending_dlq, failing_pending.event_id)
    assert pending_letter.error_type == "TransientError"
    assert pending_letter.topic == topics.PENDING.name
    assert len(recorder.calls("/hook", containing=str(failing_pending.action_id))) == 2
    (executed_letter,) = dead_letters(executed_dlq, failing_outcome.event_id)
    assert executed_letter.topic == topics.EXECUTED.name
    assert len(recorder.calls("/status/500", containing=str(failing_outcome.action_id))) == 2

    # At least: other tests of the session may have left records on these topics.
    assert deliveries(metrics, "webhook", "duplicate") >= 1
    assert deliveries(metrics, "callback", "duplicate") >= 1
    assert deliveries(metrics, "callback", "transient_error") >= 2

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    (logged,) = [
        line
        for line in lines
        if line.get("event") == "approval_requested" and line.get("action_id") == action_a
    ]
    assert logged["ticket_id"] == ticket_a
    assert "p_do_not_log_me" not in json.dumps(lines)
