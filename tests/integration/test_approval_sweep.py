"""The sweep against the real Redis and broker: reminders, escalation, expiry, and races.

Tiers of one second keep the tests short; two sweepers stand for two worker
replicas sharing the same Redis.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import timedelta

import httpx
import pytest
from redis.asyncio import Redis

from libs import topics
from libs.kafka import PublishError, aiokafka_producer, aiokafka_sender, publish, record_for
from libs.redis_client import redis_client
from schemas import ActionOutcome, Envelope, PendingAction, utcnow
from services.approval.decisions import DecisionError, Decisions
from services.approval.executor import Executor
from services.approval.expiry import Sweeper
from services.approval.pending import DecisionMark, PendingStore
from services.approval.settings import ApprovalSettings, Tier
from services.approval.tiers import Schedule
from tests.support.approval import pending_item
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo, consume

pytestmark = pytest.mark.integration

TWO_TIERS = Schedule([Tier(name="lead", window_s=1), Tier(name="manager", window_s=1)], 0.4)


class Outbox:
    """Publish boundary that records, or refuses like an unreachable broker while ``down``."""

    def __init__(self) -> None:
        self.published: list[Envelope] = []
        self.down = False

    async def publish_all(self, models: Sequence[Envelope]) -> None:
        if self.down:
            raise PublishError("broker did not acknowledge")
        self.published.extend(models)

    async def publish(self, outcome: ActionOutcome) -> None:
        await self.publish_all([outcome])


@pytest.fixture
async def redis(stack: StackInfo) -> AsyncIterator[Redis]:
    client = redis_client(ApprovalSettings(redis_url=stack.redis_url))
    yield client
    await client.aclose()


@pytest.fixture
def store(redis: Redis) -> PendingStore:
    return PendingStore(redis, memory_s=600)


@pytest.fixture
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


async def park(store: PendingStore, schedule: Schedule, item: PendingAction) -> PendingAction:
    started = schedule.start(item)
    step = schedule.next_step(started)
    await store.create(started, step.at if step else None)
    return started


async def sweep_for(sweepers: list[Sweeper], seconds: float) -> None:
    """Every replica sweeps every 50 ms, out of step with each other."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds

    async def run(sweeper: Sweeper) -> None:
        while loop.time() < end:
            await sweeper.sweep()
            await asyncio.sleep(random.uniform(0.02, 0.08))

    await asyncio.gather(*(run(s) for s in sweepers))


async def test_two_replicas_remind_escalate_and_expire_each_item_once(
    stack: StackInfo, store: PendingStore
) -> None:
    settings = ApprovalSettings(kafka_bootstrap=stack.kafka_bootstrap, kafka_idempotence=False)
    producer = aiokafka_producer(settings, client_id="test-sweep")
    await producer.start()
    send = aiokafka_sender(producer)

    async def to_broker(models: Sequence[Envelope]) -> None:
        await publish(send, [record_for(m) for m in models], 10.0)

    try:
        reminded = await park(store, TWO_TIERS, pending_item(expires_in=TWO_TIERS.total))
        replicas = [
            Sweeper(store, TWO_TIERS, to_broker, producer="approval@a"),
            Sweeper(store, TWO_TIERS, to_broker, producer="approval@b"),
        ]
        await sweep_for(replicas, 2.6)
    finally:
        await producer.stop()

    found = await consume(
        stack.kafka_bootstrap,
        [topics.PENDING.name, topics.EXECUTED.name],
        until=5,  # one more than expected: proves there is no duplicate
        match=str(reminded.action_id).encode(),
        timeout_s=4.0,
    )
    notices = [PendingAction.from_json(m.value) for m in found if m.topic == topics.PENDING.name]
    assert [(n.notice, n.tier, n.tier_name) for n in notices] == [
        ("reminder", 0, "lead"),
        ("escalated", 1, "manager"),
        ("reminder", 1, "manager"),
    ]
    [expired] = [ActionOutcome.from_json(m.value) for m in found if m.topic != topics.PENDING.name]
    assert (expired.status, expired.decided_by, expired.decision_channel) == (
        "expired",
        "expiry",
        "expiry",
    )
    assert expired.decided_at >= reminded.expires_at
    assert "after 2 tier(s)" in (expired.reason or "")
    assert await store.get(reminded.action_id) is None


async def test_approve_during_expiry_exactly_one_wins(
    stack: StackInfo, redis: Redis, store: PendingStore, recorder: HttpRecorder
) -> None:
    """Approvals fired around the deadline while two sweepers run: one outcome per item."""
    outbox = Outbox()
    single = Schedule([Tier(name="lead", window_s=1)], 0)
    settings = ApprovalSettings(redis_url=stack.redis_url, tools_base_url=f"{recorder.url}/tools")
    async with httpx.AsyncClient(timeout=2.0) as client:
        executor = Executor.from_settings(settings, redis, client)
        decisions = Decisions(store, executor, outbox.publish, producer="approval@test")
        items = [
            await park(store, single, pending_item(expires_in=timedelta(seconds=0.6 + i * 0.01)))
            for i in range(30)
        ]
        sweepers = [
            Sweeper(store, single, outbox.publish_all, producer=f"approval@{n}") for n in "ab"
        ]

        async def approve_near_deadline(item: PendingAction) -> str:
            delay = (item.expires_at - utcnow()).total_seconds() + random.uniform(-0.1, 0.05)
            await asyncio.sleep(max(0.0, delay))
            try:
                await decisions.approve(item.action_id, "ann")
            except DecisionError as exc:
                return exc.code
            return "approved"

        answers = await asyncio.gather(
            *(approve_near_deadline(i) for i in items), sweep_for(sweepers, 1.4)
        )

    by_item: dict[str, list[ActionOutcome]] = {}
    for outcome in outbox.published:
        assert isinstance(outcome, ActionOutcome)
        by_item.setdefault(str(outcome.action_id), []).append(outcome)
    for item, answer in zip(items, answers[:-1], strict=True):
        [outcome] = by_item[str(item.action_id)]  # exactly one outcome, whoever won
        calls = recorder.calls("/tools/send_reply", str(item.action_id))
        if answer == "approved":
            assert (outcome.status, outcome.decided_by, len(calls)) == ("executed", "ann", 1)
        else:
            assert answer in ("expired", "not_found")
            assert (outcome.status, outcome.decided_by, calls) == ("expired", "expiry", [])
    # With the jitter around the deadline both sides win some of the races.
    assert {"approved", "expired"} <= set(answers[:-1])


async def test_an_unpublished_expiry_is_put_back_and_retried(store: PendingStore) -> None:
    outbox = Outbox()
    single = Schedule([Tier(name="lead", window_s=1)], 0)
    item = await park(store, single, pending_item(expires_in=timedelta(seconds=0.2)))
    await asyncio.sleep(0.3)
    sweeper = Sweeper(store, single, outbox.publish_all, producer="approval@test")
    outbox.down = True
    assert (await sweeper.sweep()).expired == []
    outbox.down = False
    assert (await sweeper.sweep()).expired == [item.action_id]
    [outcome] = outbox.published
    assert isinstance(outcome, ActionOutcome) and outcome.status == "expired"
    assert (await sweeper.sweep()).expired == []


async def test_a_decided_item_gets_no_more_notices(store: PendingStore) -> None:
    outbox = Outbox()
    item = await park(store, TWO_TIERS, pending_item(expires_in=TWO_TIERS.total))
    taken = await store.take(item.action_id, DecisionMark(by="ann", kind="approved", at=utcnow()))
    assert taken.item is not None
    await sweep_for([Sweeper(store, TWO_TIERS, outbox.publish_all, producer="t")], 2.2)
    assert [e for e in outbox.published if str(item.action_id) in e.to_json().decode()] == []
