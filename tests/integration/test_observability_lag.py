"""Consumer lag against the real broker: it grows while a consumer is stopped, and the
guard worker exports it per assigned partition on its /metrics."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client import CollectorRegistry, Gauge

from libs import topics
from libs.devstack.stack import free_port
from libs.kafka import ensure_topics
from libs.lag import LagExport, LagProbe
from libs.settings import KafkaSettings
from tests.support.stack import StackInfo, service

pytestmark = pytest.mark.integration


async def produce_singly(bootstrap: str, topic: str, n: int) -> None:
    """One record per batch: the Tansu dev broker reports a partition's end offset as the
    last batch's base offset + 1, so only single-record batches give exact end offsets
    there (real Kafka counts every record)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for i in range(n):
            await producer.send_and_wait(topic, b"v", key=f"k{i}".encode())
    finally:
        await producer.stop()


async def drain_and_commit(bootstrap: str, topic: str, group: str, expected: int) -> None:
    """A stand-in stage: consume ``expected`` records of ``topic`` and commit, then stop."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        seen = 0
        deadline = time.monotonic() + 30
        while seen < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            seen += sum(len(records) for records in batch.values())
        assert seen == expected
        await consumer.commit()
    finally:
        await consumer.stop()


async def test_lag_rises_while_the_stage_is_stopped_and_falls_when_it_catches_up(
    stack: StackInfo,
) -> None:
    settings = KafkaSettings(kafka_bootstrap=stack.kafka_bootstrap)
    topic = f"lag-test-{uuid.uuid4().hex[:8]}"
    group = f"lag-group-{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, {topic: 2})
    partitions = [(topic, 0), (topic, 1)]
    gauge = Gauge("lag", "test", ["group", "topic", "partition"], registry=CollectorRegistry())
    export = LagExport(group, gauge)

    def exported(partition: int) -> float:
        return float(gauge.labels(group, topic, str(partition))._value.get())

    probe = LagProbe(settings, group)
    await probe.start()
    try:
        await produce_singly(stack.kafka_bootstrap, topic, 5)
        # Never committed: everything on the partitions is lag.
        assert sum((await probe.measure(partitions)).values()) == 5
        await drain_and_commit(stack.kafka_bootstrap, topic, group, expected=5)
        export.update(await probe.measure(partitions))
        assert exported(0) + exported(1) == 0

        # The stage is stopped; records keep arriving.
        await produce_singly(stack.kafka_bootstrap, topic, 7)
        export.update(await probe.measure(partitions))
        assert exported(0) + exported(1) == 7

        await drain_and_commit(stack.kafka_bootstrap, topic, group, expected=7)
        lags = await probe.measure(partitions)
        assert lags == {(topic, 0): 0, (topic, 1): 0}

        # A partition no longer owned loses its series instead of showing a stale value.
        export.update({(topic, 0): 0})
        assert {s.labels["partition"] for m in gauge.collect() for s in m.samples} == {"0"}
    finally:
        await probe.close()


LAG_LINE = re.compile(
    r'^triage_consumer_lag\{group="triage-guard",partition="(\d+)",topic="([^"]+)"\} (\S+)$', re.M
)


async def test_guard_worker_exports_lag_of_its_assigned_partitions(
    stack: StackInfo, tmp_path: Path
) -> None:
    metrics_port = free_port()
    env = stack.env(TRIAGE_METRICS_PORT=str(metrics_port), TRIAGE_CONSUMER_LAG_INTERVAL_S="0.5")
    with service(["services.guard"], env, tmp_path / "guard.log"):
        found: dict[int, float] = {}
        deadline = time.monotonic() + 40
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                try:
                    body = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
                except httpx.HTTPError:
                    body = ""
                found = {
                    int(p): float(v) for p, t, v in LAG_LINE.findall(body) if t == topics.RAW.name
                }
                if len(found) == topics.RAW.partitions and sum(found.values()) == 0:
                    break
                await asyncio.sleep(0.5)
    assert sorted(found) == list(range(topics.RAW.partitions)), (tmp_path / "guard.log").read_text()
    assert sum(found.values()) == 0
