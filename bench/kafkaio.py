"""Preloading topics, and when outputs arrived."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer


async def preload(bootstrap: str, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
    """Write ``(key, value)`` records and wait for every acknowledgement."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    await producer.start()
    try:
        futures = [await producer.send(topic, value, key=key) for key, value in records]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return len(futures)


@dataclass
class Arrivals:
    """When outputs showed up: first/last arrival and each key's first arrival (wall clock)."""

    count: int = 0
    first_s: float | None = None
    last_s: float | None = None
    by_key: dict[bytes, float] = field(default_factory=dict)
    by_topic: dict[str, dict[bytes, float]] = field(default_factory=dict)

    @property
    def span_s(self) -> float:
        if self.first_s is None or self.last_s is None:
            return float("nan")
        return self.last_s - self.first_s
