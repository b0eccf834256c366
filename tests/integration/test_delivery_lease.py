"""A delivery gap the chaos run found, fixed in libs/idempotency.run_once.

A process killed in the middle of a side effect leaves its ``done:`` lease in
Redis (60 s for tools). The redelivered event must wait for the lease to expire
and take over, not run out of retries and land in the DLQ.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from libs import redis_keys, topics
from libs.kafka import record_for
from libs.redis_client import redis_client
from libs.settings import RedisSettings
from schemas import Envelope
from services.approval.executor import EXECUTOR_STAGE
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo, consume, produce, service
from tests.support.tickets import action, triaged_ticket

pytestmark = pytest.mark.integration

LEASE_S = 4


def record(model: Envelope) -> tuple[str, bytes | None, bytes]:
    out = record_for(model)
    return out.topic, out.key, out.value


@pytest.fixture
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


async def test_a_lease_left_by_a_killed_worker_delays_the_action_instead_of_dlq(
    stack: StackInfo, recorder: HttpRecorder, tmp_path: Path
) -> None:
    warmup, reply = action("send_reply", reply="Hello."), action("send_reply", reply="On it.")
    first, ticket = triaged_ticket(warmup, confidence=0.95), triaged_ticket(reply, confidence=0.95)
    env = stack.env(
        TRIAGE_TOOLS_BASE_URL=f"{recorder.url}/tools", TRIAGE_STAGE_BATCH_WITHIN_S="0.01"
    )
    with service(["services.approval"], env, tmp_path / "approval.log"):
        await produce(stack.kafka_bootstrap, [record(first)])
        ready = await consume(
            stack.kafka_bootstrap,
            [topics.EXECUTED.name],
            until=1,
            match=str(warmup.action_id).encode(),
        )
        if not ready:  # not the expected failure: must not count as the xfail
            raise RuntimeError("the approval worker did not start")
        # What a worker SIGKILLed between claiming and finishing the tool call leaves behind.
        redis = redis_client(RedisSettings(redis_url=stack.redis_url))
        key = redis_keys.done(EXECUTOR_STAGE, str(reply.action_id))
        await redis.set(key, b"\x00lease", ex=LEASE_S)
        await redis.aclose()
        await produce(stack.kafka_bootstrap, [record(ticket)])
        outcomes, dead = await asyncio.gather(
            consume(
                stack.kafka_bootstrap,
                [topics.EXECUTED.name],
                until=1,
                match=str(reply.action_id).encode(),
                timeout_s=LEASE_S + 12,
            ),
            consume(
                stack.kafka_bootstrap,
                [topics.TRIAGED.dlq],
                until=1,
                match=ticket.ticket_id.encode(),
                timeout_s=LEASE_S + 12,
            ),
        )
    assert dead == []
    assert len(outcomes) == 1
    assert len(recorder.calls("/tools/send_reply", str(reply.action_id))) == 1
