"""Test access to the real local stack (or a real one named by the environment)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class StackInfo:
    kafka_bootstrap: str
    redis_url: str

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            TRIAGE_KAFKA_BOOTSTRAP=self.kafka_bootstrap,
            TRIAGE_REDIS_URL=self.redis_url,
            TRIAGE_KAFKA_IDEMPOTENCE=os.environ.get("TRIAGE_KAFKA_IDEMPOTENCE", "false"),
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env


@dataclass(frozen=True)
class Message:
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


async def produce(bootstrap: str, items: Iterable[tuple[str, bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        futures = [await producer.send(t, v, key=k) for t, k, v in items]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def consume(
    bootstrap: str,
    topics: list[str],
    *,
    until: int,
    match: bytes | None = None,
    timeout_s: float = 45.0,
) -> list[Message]:
    """Read every topic from the start until ``until`` messages whose value contains ``match``."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[Message] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(found) < until and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for tp, records in batch.items():
                for r in records:
                    if r.value is not None and (match is None or match in r.value):
                        found.append(Message(tp.topic, r.key, r.value, tuple(r.headers or ())))
    finally:
        await consumer.stop()
    return found


@contextmanager
def service(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python -m <args>`` as a real process; SIGTERM it afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", *args], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
