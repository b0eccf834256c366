"""Operator tooling behind ``triage dlq …`` and ``triage replay``.

Reading uses a group-less consumer with assigned partitions, so inspecting a
DLQ or replaying a range never moves any stage's committed offsets. Writes go
through :func:`libs.kafka.publish` (acks=all, bounded wait). A redrive is
claimed per ``dead_letter_id`` with :func:`libs.idempotency.run_once`, so
running the same redrive twice (two operators, a retried command) publishes
each dead letter once; a message that fails again gets a new DLQ record with a
new id (its new source offset) and can be redriven again after the next fix.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError
from redis.asyncio import Redis

from libs import topics
from libs.idempotency import run_once
from libs.kafka import (
    Headers,
    Record,
    aiokafka_producer,
    aiokafka_sender,
    bootstrap_servers,
    publish,
)
from libs.settings import KafkaSettings
from schemas import DeadLetter

#: Header naming the dead letter a redriven record came from.
REDRIVE_HEADER = "triage-redrive-of"
#: Header naming the ``topic/partition/offset`` a replayed record was copied from.
REPLAY_HEADER = "triage-replay-of"
#: Records a replay publishes per acknowledged write.
_REPLAY_BATCH = 500
#: Idempotency stage of redrives: ``done:redrive:{dead_letter_id}``.
REDRIVE_STAGE = "redrive"


class ToolError(Exception):
    """An operator request that cannot be carried out (unknown topic, missing offset)."""


def dlq_topic(name: str) -> str:
    """Accept a DLQ name or its source topic's name; refuse topics the registry lacks."""
    dlq = name if name.endswith(".dlq") else topics.dlq_name(name)
    source = dlq.removesuffix(".dlq")
    if source not in topics.BY_NAME:
        known = ", ".join(t.dlq for t in topics.ALL)
        raise ToolError(f"unknown DLQ {name!r}; known: {known}")
    return dlq


@dataclass(frozen=True)
class Letter:
    """One DLQ record: where it sits and what it says (``letter`` is None if unreadable)."""

    partition: int
    offset: int
    timestamp_ms: int
    letter: DeadLetter | None
    raw: bytes


@dataclass(frozen=True)
class DlqSummary:
    topic: str
    count: int
    recent: list[Letter] = field(default_factory=list)


@asynccontextmanager
async def _reader(settings: KafkaSettings) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers(settings),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


@asynccontextmanager
async def _writer(settings: KafkaSettings) -> AsyncIterator[AIOKafkaProducer]:
    producer = aiokafka_producer(settings, "triage-cli")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    await consumer.topics()  # refreshes the metadata partitions_for_topic reads
    ids = consumer.partitions_for_topic(topic)
    if not ids:
        raise ToolError(f"topic {topic!r} does not exist on the broker")
    return [TopicPartition(topic, p) for p in sorted(ids)]


async def _read_range(
    consumer: AIOKafkaConsumer, ranges: dict[TopicPartition, tuple[int, int]]
) -> AsyncIterator[tuple[TopicPartition, int, int, bytes | None, bytes | None, Headers]]:
    """Every record of ``[start, end)`` per partition, then stop (the range is a snapshot)."""
    wanted = {tp: (s, e) for tp, (s, e) in ranges.items() if s < e}
    if not wanted:
        return
    consumer.assign(list(wanted))
    for tp, (start, _) in wanted.items():
        consumer.seek(tp, start)
    remaining = dict(wanted)
    while remaining:
        batch = await consumer.getmany(*remaining, timeout_ms=1000)
        for tp, records in batch.items():
            end = remaining.get(tp, (0, 0))[1]
            for r in records:
                if r.offset >= end:
                    break
                yield tp, r.offset, r.timestamp, r.key, r.value, list(r.headers or ())
            if (await consumer.position(tp)) >= end:
                remaining.pop(tp, None)


def _letter(partition: int, offset: int, ts: int, value: bytes | None) -> Letter:
    try:
        letter: DeadLetter | None = DeadLetter.model_validate_json(value or b"")
    except ValidationError:
        letter = None
    return Letter(partition, offset, ts, letter, value or b"")


async def _bounds(
    consumer: AIOKafkaConsumer, parts: list[TopicPartition]
) -> dict[TopicPartition, tuple[int, int]]:
    """First and end offset per partition.

    ListOffsets(latest) on the Tansu dev broker answers the base offset of the
    last record batch + 1, not the high watermark, so the end is taken from a
    fetch's high watermark as well (the same number on Apache Kafka).
    """
    begin = await consumer.beginning_offsets(parts)
    listed = await consumer.end_offsets(parts)
    end = dict(listed)
    probe = [tp for tp in parts if listed[tp] > begin[tp]]
    if probe:
        consumer.assign(probe)
        for tp in probe:
            consumer.seek(tp, listed[tp] - 1)
        deadline = asyncio.get_running_loop().time() + 5.0
        while asyncio.get_running_loop().time() < deadline:
            if all(consumer.highwater(tp) is not None for tp in probe):
                break
            await consumer.getmany(*probe, timeout_ms=200, max_records=1)
        for tp in probe:
            end[tp] = max(end[tp], consumer.highwater(tp) or 0)
        consumer.unsubscribe()
    return {tp: (begin[tp], end[tp]) for tp in parts}


async def list_dlqs(
    settings: KafkaSettings, topic: str | None = None, recent: int = 5
) -> list[DlqSummary]:
    """Record counts and the newest ``recent`` records of each DLQ (or of one)."""
    names = [dlq_topic(topic)] if topic else [t.dlq for t in topics.ALL]
    summaries = []
    async with _reader(settings) as consumer:
        for name in names:
            parts = await _partitions(consumer, name)
            bounds = await _bounds(consumer, parts)
            count = sum(e - b for b, e in bounds.values())
            tail = {tp: (max(b, e - recent), e) for tp, (b, e) in bounds.items()}
            letters = [
                _letter(tp.partition, off, ts, value)
                async for tp, off, ts, _, value, _ in _read_range(consumer, tail)
            ]
            letters.sort(key=lambda item: item.timestamp_ms)
            summaries.append(DlqSummary(name, count, letters[-recent:] if recent else []))
    return summaries


async def read_letters(
    settings: KafkaSettings,
    topic: str,
    offsets: Iterable[int] | None = None,
    partition: int = 0,
) -> list[Letter]:
    """The DLQ records at ``offsets`` of one partition, or every record when None."""
    name = dlq_topic(topic)
    async with _reader(settings) as consumer:
        parts = await _partitions(consumer, name)
        bounds = await _bounds(consumer, parts)
        if offsets is None:
            ranges = bounds
        else:
            tp = TopicPartition(name, partition)
            if tp not in bounds:
                raise ToolError(f"{name} has no partition {partition}")
            begin, end = bounds[tp]
            wanted = sorted(set(offsets))
            missing = [o for o in wanted if not begin <= o < end]
            if missing:
                raise ToolError(f"{name}[{partition}] holds offsets {begin}..{end - 1}: {missing}")
            ranges = {tp: (wanted[0], wanted[-1] + 1)} if wanted else {}
        found = [
            _letter(tp.partition, off, ts, value)
            async for tp, off, ts, _, value, _ in _read_range(consumer, ranges)
        ]
    if offsets is None:
        return found
    keep = set(offsets)
    return [item for item in found if item.offset in keep]


def redrive_record(letter: DeadLetter) -> Record:
    """The original key, value and headers on the original topic, marked as a redrive."""
    headers: Headers = [(k, v.encode()) for k, v in letter.headers.items() if k != REDRIVE_HEADER]
    headers.append((REDRIVE_HEADER, str(letter.dead_letter_id).encode()))
    key = None if letter.key is None else letter.key.encode()
    return Record(letter.topic, key, letter.value.encode(), headers)


@dataclass
class RedriveReport:
    redriven: list[uuid.UUID] = field(default_factory=list)
    already: list[uuid.UUID] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    planned: list[uuid.UUID] = field(default_factory=list)


async def redrive(
    settings: KafkaSettings,
    redis: Redis,
    letters: Iterable[Letter],
    *,
    dry_run: bool = False,
) -> RedriveReport:
    """Re-publish each dead letter to its original topic, once per ``dead_letter_id``."""
    report = RedriveReport()
    items = list(letters)
    if dry_run:
        for item in items:
            if item.letter is None:
                report.unreadable.append(item.offset)
            else:
                report.planned.append(item.letter.dead_letter_id)
        return report
    async with _writer(settings) as producer:
        send = aiokafka_sender(producer)
        for item in items:
            if item.letter is None:
                report.unreadable.append(item.offset)
                continue
            record = redrive_record(item.letter)

            async def effect(record: Record = record) -> dict[str, str]:
                await publish(send, [record], settings.kafka_send_timeout_s)
                return {"topic": record.topic}

            once = await run_once(redis, REDRIVE_STAGE, str(item.letter.dead_letter_id), effect)
            target = report.already if once.duplicate else report.redriven
            target.append(item.letter.dead_letter_id)
    return report


@dataclass(frozen=True)
class ReplayReport:
    topic: str
    to_topic: str
    #: partition -> (first offset, end offset exclusive) that was copied
    ranges: dict[int, tuple[int, int]]
    copied: int


async def _offset_at(
    consumer: AIOKafkaConsumer,
    parts: list[TopicPartition],
    when: datetime,
    fallback: dict[TopicPartition, int],
) -> dict[TopicPartition, int]:
    """First offset at or after ``when`` per partition (the end offset if there is none)."""
    found = await consumer.offsets_for_times({tp: _ms(when) for tp in parts})
    # Tansu answers "no such record" with timestamp -1 instead of no entry.
    return {
        tp: (hit.offset if hit is not None and hit.timestamp >= 0 else fallback[tp])
        for tp, hit in ((tp, found.get(tp)) for tp in parts)
    }


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


async def replay(
    settings: KafkaSettings,
    topic: str,
    start: datetime,
    end: datetime | None = None,
    *,
    to_topic: str | None = None,
    dry_run: bool = False,
) -> ReplayReport:
    """Copy the records of ``topic`` written in ``[start, end)`` to ``to_topic`` (default: itself).

    Re-feeding a topic makes its consuming stage handle the records again; the
    derived event ids and the ``done:`` markers keep side effects from repeating.
    The range is fixed before copying, so replaying a topic into itself ends.
    """
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ToolError("--from/--to need a timezone (e.g. 2026-11-21T10:00:00Z)")
    if end is not None and end <= start:
        raise ToolError("--to must be after --from")
    target = to_topic or topic
    async with _reader(settings) as consumer, _writer(settings) as producer:
        parts = await _partitions(consumer, topic)
        if target != topic:
            await _partitions(consumer, target)
        ends = {tp: e for tp, (_, e) in (await _bounds(consumer, parts)).items()}
        first = await _offset_at(consumer, parts, start, ends)
        last = ends if end is None else await _offset_at(consumer, parts, end, ends)
        ranges = {tp: (first[tp], last[tp]) for tp in parts}
        # Offsets found by time are batch-granular on some brokers: filter by timestamp too.
        lo, hi = _ms(start), (_ms(end) if end else None)
        send = aiokafka_sender(producer)
        batch: list[Record] = []
        copied = 0
        async for tp, off, ts, key, value, headers in _read_range(consumer, ranges):
            if ts < lo or (hi is not None and ts >= hi):
                continue
            copied += 1
            if dry_run:
                continue
            kept = [(k, v) for k, v in headers if k != REPLAY_HEADER]
            origin = f"{tp.topic}/{tp.partition}/{off}".encode()
            batch.append(Record(target, key, value or b"", [*kept, (REPLAY_HEADER, origin)]))
            if len(batch) >= _REPLAY_BATCH:
                await publish(send, batch, settings.kafka_send_timeout_s)
                batch.clear()
        await publish(send, batch, settings.kafka_send_timeout_s)
    spans = {tp.partition: r for tp, r in ranges.items() if r[0] < r[1]}
    return ReplayReport(topic, target, spans, copied)
