"""The pending store against real Redis: idempotent creation, single-use decisions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from libs import redis_keys
from libs.redis_client import redis_client
from libs.settings import RedisSettings
from schemas import PendingAction, utcnow
from services.approval.pending import KEEP_AFTER_EXPIRY_S, DecisionMark, PendingStore
from services.approval.policy import Decision
from services.approval.worker import pending_for_action
from tests.support.stack import StackInfo
from tests.support.tickets import action, triaged_ticket

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis(stack: StackInfo) -> AsyncIterator[Redis]:
    client = redis_client(RedisSettings(redis_url=stack.redis_url))
    yield client
    await client.aclose()


@pytest.fixture
def store(redis: Redis) -> PendingStore:
    return PendingStore(redis, memory_s=600)


def item(minutes: float = 30) -> PendingAction:
    proposed = action("grant_compensation", amount=5, currency="gems", reason="double charge")
    ticket = triaged_ticket(proposed)
    return pending_for_action(
        ticket,
        proposed,
        Decision("approve", "high risk"),
        producer="approval@test",
        expires_at=utcnow() + timedelta(minutes=minutes),
    )


def mark(by: str = "ann") -> DecisionMark:
    return DecisionMark(by=by, kind="approved", at=utcnow())


async def test_creation_is_idempotent_and_keeps_the_first_item(
    store: PendingStore, redis: Redis
) -> None:
    first = item()
    stored, created = await store.create(first)
    assert created and stored == first
    redelivered = first.model_copy(update={"expires_at": first.expires_at + timedelta(hours=1)})
    again, created_again = await store.create(redelivered)
    assert not created_again
    assert again == first  # same deadline: the redelivery republishes exactly what was stored
    key = str(first.action_id)
    assert await store.get(first.action_id) == first
    ttl = await redis.ttl(redis_keys.pending(key))
    # Kept a while past the deadline, for the sweep to publish its expiry.
    assert 29 * 60 + KEEP_AFTER_EXPIRY_S < ttl <= 30 * 60 + KEEP_AFTER_EXPIRY_S
    score = await redis.zscore(redis_keys.PENDING_EXPIRY, key)
    assert score == pytest.approx(first.expires_at.timestamp())


async def test_take_is_single_use_and_remembers_who_decided(
    store: PendingStore, redis: Redis
) -> None:
    pending = item()
    await store.create(pending)
    won = await store.take(pending.action_id, mark("ann"))
    assert won.item == pending
    late = await store.take(pending.action_id, mark("bob"))
    assert late.item is None
    assert late.earlier is not None and (late.earlier.by, late.earlier.kind) == ("ann", "approved")
    assert await store.get(pending.action_id) is None
    assert await redis.zscore(redis_keys.PENDING_EXPIRY, str(pending.action_id)) is None


async def test_a_decided_item_is_not_resurrected_by_a_redelivery(store: PendingStore) -> None:
    pending = item()
    await store.create(pending)
    assert (await store.take(pending.action_id, mark())).item is not None
    _, created = await store.create(pending)
    assert not created
    assert await store.get(pending.action_id) is None


async def test_unknown_id_is_neither_taken_nor_decided(store: PendingStore) -> None:
    taken = await store.take(uuid.uuid4(), mark())
    assert (taken.item, taken.earlier) == (None, None)


async def test_concurrent_decisions_exactly_one_wins(store: PendingStore) -> None:
    pending = item()
    await store.create(pending)
    results = await asyncio.gather(
        *(store.take(pending.action_id, mark(f"approver-{i}")) for i in range(20))
    )
    winners = [i for i, r in enumerate(results) if r.item is not None]
    assert len(winners) == 1
    winner = f"approver-{winners[0]}"
    losers = [r for r in results if r.item is None]
    assert all(r.earlier is not None and r.earlier.by == winner for r in losers)


async def test_restore_puts_an_item_back_for_another_decision(store: PendingStore) -> None:
    pending = item()
    await store.create(pending)
    assert (await store.take(pending.action_id, mark())).item is not None
    assert await store.restore(pending)
    assert await store.get(pending.action_id) == pending
    again = await store.take(pending.action_id, mark("bob"))
    assert again.item == pending


async def test_restore_keeps_an_expired_item_for_the_sweep_only(store: PendingStore) -> None:
    expired = item(minutes=-1)
    assert not await store.restore(expired)  # no longer decidable...
    assert await store.get(expired.action_id) is None
    late = await store.take(expired.action_id, mark("bob"))
    assert (late.item, late.expired) == (None, True)
    swept = await store.take(expired.action_id, mark("expiry"), expiring=True)
    assert swept.item == expired  # ...but the sweep still finds it to publish the expiry


async def test_list_shows_open_items_soonest_deadline_first(
    store: PendingStore, redis: Redis
) -> None:
    late, soon = item(minutes=50), item(minutes=10)
    decided, expired = item(minutes=20), item(minutes=40)
    for pending in (late, soon, decided, expired):
        await store.create(pending)
    await store.take(decided.action_id, mark())
    # A deadline in the past (the sweep has not run yet) is no longer listed.
    await redis.zadd(redis_keys.PENDING_EXPIRY, {str(expired.action_id): 1.0})
    ours = {late.action_id, soon.action_id, decided.action_id, expired.action_id}
    listed = [i.action_id for i in await store.list(limit=1000) if i.action_id in ours]
    assert listed == [soon.action_id, late.action_id]
