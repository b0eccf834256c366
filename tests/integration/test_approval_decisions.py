"""Decisions whose outcome cannot be published are given back, never half-lost.

Real Redis and a local tool server; the broker outage is injected at the
publish boundary, because a real broker cannot be made to refuse on cue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest

from libs.kafka import PublishError
from libs.redis_client import redis_client
from schemas import ActionOutcome, PendingAction, utcnow
from services.approval.decisions import AlreadyDecided, Decisions, NotCarriedOut
from services.approval.executor import Executor
from services.approval.pending import PendingStore
from services.approval.policy import Decision
from services.approval.settings import ApprovalSettings
from services.approval.worker import pending_for_action
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo
from tests.support.tickets import action, triaged_ticket

pytestmark = pytest.mark.integration


class Outbox:
    """Collects published outcomes; while ``down``, refuses like an unreachable broker."""

    def __init__(self) -> None:
        self.published: list[ActionOutcome] = []
        self.down = False

    async def publish(self, outcome: ActionOutcome) -> None:
        if self.down:
            raise PublishError("broker did not acknowledge")
        self.published.append(outcome)


@pytest.fixture
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
async def parts(
    stack: StackInfo, recorder: HttpRecorder, outbox: Outbox
) -> AsyncIterator[tuple[PendingStore, Decisions]]:
    settings = ApprovalSettings(redis_url=stack.redis_url, tools_base_url=f"{recorder.url}/tools")
    redis = redis_client(settings)
    async with httpx.AsyncClient(timeout=2.0) as client:
        store = PendingStore(redis, memory_s=600)
        executor = Executor.from_settings(settings, redis, client)
        yield store, Decisions(store, executor, outbox.publish, producer="approval@test")
    await redis.aclose()


async def parked(store: PendingStore, tool: str, **args: object) -> PendingAction:
    proposed = action(tool, **args)
    item = pending_for_action(
        triaged_ticket(proposed),
        proposed,
        Decision("approve", "high risk"),
        producer="approval@test",
        expires_at=utcnow() + timedelta(minutes=5),
    )
    await store.create(item)
    return item


async def test_unpublished_approval_is_given_back_and_republished_without_acting_twice(
    parts: tuple[PendingStore, Decisions], outbox: Outbox, recorder: HttpRecorder
) -> None:
    store, decisions = parts
    item = await parked(
        store, "grant_compensation", amount=5, currency="gems", reason="double charge"
    )

    outbox.down = True
    with pytest.raises(NotCarriedOut):
        await decisions.approve(item.action_id, "ann")
    assert await store.get(item.action_id) == item  # back for another decision
    # The grant already happened: it can no longer be rejected.
    with pytest.raises(AlreadyDecided, match="already ran"):
        await decisions.reject(item.action_id, "bob", "changed my mind")
    assert await store.get(item.action_id) == item

    outbox.down = False
    outcome = await decisions.approve(item.action_id, "bob")
    assert (outcome.status, outcome.decided_by) == ("executed", "bob")
    assert outbox.published == [outcome]
    assert len(recorder.calls("/tools/grant_compensation", str(item.action_id))) == 1
    assert await store.get(item.action_id) is None


async def test_unpublished_rejection_is_given_back(
    parts: tuple[PendingStore, Decisions], outbox: Outbox, recorder: HttpRecorder
) -> None:
    store, decisions = parts
    item = await parked(store, "flag_account", reason="cheating")
    outbox.down = True
    with pytest.raises(NotCarriedOut):
        await decisions.reject(item.action_id, "ann", "no evidence")
    outbox.down = False
    outcome = await decisions.reject(item.action_id, "ann", "no evidence")
    assert (outcome.status, outcome.reason) == ("rejected", "no evidence")
    assert outbox.published == [outcome]
    assert recorder.calls(containing=str(item.action_id)) == []
