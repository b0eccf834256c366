"""The stream-stage runner every faust service uses.

A stage consumes one topic in batches (``noack_take``), handles each event
with a plain async function that takes and returns schema models, publishes
the outputs, waits for the broker's acks and only then acks the batch to
faust. One ticket's events (one key) are handled in order; different keys run
concurrently up to ``stage_concurrency``. A handler that raises never escapes:
transient errors are retried with backoff, anything else (or a transient error
that outlasts its retries) becomes a DLQ record, because faust would otherwise
ack the event and skip it silently.

Throughput (``make bench``): two batches are in flight at once, so the next
batch is handled while the previous one's outputs are acknowledged and its
slowest events finish (no idle CPU, no concurrency gap at a batch's tail); a
batch runs on at most ``stage_concurrency`` worker coroutines (not one task per
key); the retry machinery is only entered after a first failure; metric
children are bound once. Offsets are acked (so committed) in input order, only
after the batch's outputs and every earlier batch's are acknowledged.

The per-event work (:class:`EventPath`), key-ordered concurrency
(:func:`in_key_order`) and :func:`publish_until_acked` do not depend on faust:
``bench.directstage`` runs the guard on them with a plain aiokafka consumer.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, Protocol, TypeVar, cast

import faust
from faust.types import EventT
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from libs import metrics, tracing
from libs.codec import DecodeError, dead_letter, decode
from libs.errors import TransientError
from libs.kafka import (
    PublishError,
    Record,
    SendFn,
    dlq_record,
    faust_sender,
    publish,
    record_for,
)
from libs.settings import KafkaSettings
from libs.topics import TopicSpec
from schemas import Envelope

logger = logging.getLogger(__name__)

In = TypeVar("In", bound=Envelope)
E = TypeVar("E")
Handler = Callable[[In], Awaitable[Sequence[Envelope]]]


def _headers(raw: Any) -> list[tuple[str, bytes]]:
    if not raw:
        return []
    items = raw.items() if isinstance(raw, Mapping) else raw
    return [(str(k), v if isinstance(v, bytes) else str(v).encode()) for k, v in items]


class Message(Protocol):
    """What the per-event path reads of a consumed record.

    faust's ``Message`` and aiokafka's ``ConsumerRecord`` both fit, so the same
    path runs under either consumer (``bench.directstage`` measures the latter).
    """

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def headers(self) -> Any: ...


class EventPath(Generic[In]):
    """A stage's work on one event, independent of the stream framework.

    Decodes the value, runs the handler (retrying transient errors with
    backoff) and returns the output records, or one DLQ record for anything
    that fails: the caller publishes them and only then commits the offset.
    """

    def __init__(
        self,
        *,
        name: str,
        source: TopicSpec,
        handler: Handler[In],
        retry_attempts: int = 4,
        retry_max_wait_s: float = 2.0,
    ) -> None:
        self.name = name
        self.source = source
        self.handler = handler
        self.retry_attempts = retry_attempts
        self.retry_max_wait_s = retry_max_wait_s

    async def handle(self, message: Message, value: bytes) -> list[Record]:
        headers = _headers(message.headers)
        with tracing.consumer_span(self.name, message.topic, headers):
            try:
                model = cast(In, decode(self.source.model, value))
                outputs = await self._handle_with_retries(model)
                out_headers = tracing.inject()
                return [record_for(o, out_headers) for o in outputs]
            except Exception as exc:
                reason = "decode" if isinstance(exc, DecodeError) else type(exc).__name__
                logger.exception(
                    "message to DLQ",
                    extra={
                        "event": "dead_letter",
                        "stage": self.name,
                        "topic": message.topic,
                        "partition": message.partition,
                        "offset": message.offset,
                    },
                )
                metrics.EVENTS_FAILED.labels(self.name, reason).inc()
                metrics.DLQ.labels(self.name, message.topic).inc()
                letter = dead_letter(
                    stage=self.name,
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    key=message.key,
                    value=value,
                    headers=headers,
                    error=exc,
                )
                return [dlq_record(letter, headers)]

    async def _handle_with_retries(self, model: In) -> Sequence[Envelope]:
        """Retry transient errors with exponential backoff and jitter (tenacity's formula).

        A plain loop rather than tenacity: building a retry controller for every
        event cost more than most handlers do.
        """
        for attempt in range(1, self.retry_attempts + 1):
            try:
                return await self.handler(model)
            except TransientError:
                if attempt >= self.retry_attempts:
                    raise
                await asyncio.sleep(self._backoff_s(attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _backoff_s(self, attempt: int) -> float:
        """Wait after failed attempt ``attempt``: 0.1 s doubling, plus up to 1 s jitter, capped."""
        return min(self.retry_max_wait_s, 0.1 * 2 ** (attempt - 1) + random.uniform(0, 1))


async def publish_until_acked(send: SendFn, records: list[Record], timeout_s: float) -> None:
    """Publish and wait for every ack, retrying: Kafka being down blocks the stage (lag
    grows) rather than losing the batch."""
    if not records:
        return
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(PublishError),
        wait=wait_exponential_jitter(initial=0.2, max=5.0),
        reraise=True,
    ):
        with attempt:
            await publish(send, records, timeout_s)


async def in_key_order(
    groups: Sequence[Sequence[E]], workers: int, handle: Callable[[E], Awaitable[None]]
) -> None:
    """Handle key groups (each a key's events, in order) on at most ``workers`` coroutines.

    The workers share one iterator, so a key's events stay with one worker, in
    order, while different keys run concurrently.
    """
    pending = iter(groups)

    async def worker() -> None:
        for group in pending:
            for event in group:
                await handle(event)

    await asyncio.gather(*(worker() for _ in range(min(workers, len(groups)))))


class _Batch:
    """A batch in flight: its events, keys, task, and the batch before it (while unfinished)."""

    def __init__(
        self,
        events: Sequence[EventT],
        previous: _Batch | None,
        run: Callable[[_Batch], Awaitable[None]],
    ) -> None:
        self.events = list(events)
        self.keys = frozenset(e.key for e in events)
        self.previous = previous
        self.unstarted = len(self.events)
        #: Set once every event has a slot: only then may the next batch take free slots,
        #: so the older batch finishes first rather than both finishing late together.
        self.all_started = asyncio.Event()
        if not self.events:
            self.all_started.set()
        self.task: asyncio.Future[None] = asyncio.ensure_future(run(self))

    def started_one(self) -> None:
        self.unstarted -= 1
        if self.unstarted == 0:
            self.all_started.set()


class Stage(Generic[In]):
    """One consumed topic of a service, wired to its handler."""

    def __init__(
        self,
        *,
        name: str,
        app: faust.App,
        source: TopicSpec,
        handler: Handler[In],
        settings: KafkaSettings,
        retry_attempts: int = 4,
        retry_max_wait_s: float = 2.0,
    ) -> None:
        self.name = name
        self.app = app
        self.source = source
        self.settings = settings
        self.events: EventPath[In] = EventPath(
            name=name,
            source=source,
            handler=handler,
            retry_attempts=retry_attempts,
            retry_max_wait_s=retry_max_wait_s,
        )
        self._send = faust_sender(app)
        self._slots = asyncio.Semaphore(settings.stage_concurrency)
        self._events_in = metrics.EVENTS_IN.labels(name, source.name)
        self._latency = metrics.STAGE_LATENCY.labels(name)
        topic = app.topic(source.name, key_serializer="raw", value_serializer="raw")
        app.agent(topic, name=f"{name}.{source.name}")(self._agent)

    async def _agent(self, stream: faust.StreamT) -> None:
        assert isinstance(stream, faust.Stream)  # noack_take lives on the concrete class
        previous: _Batch | None = None
        latest: _Batch | None = None
        try:
            async for events in stream.noack_take(
                self.settings.stage_batch_size, self.settings.stage_batch_within_s
            ):
                latest = _Batch(events, previous, partial(self._run, stream))
                if previous is not None:
                    # A window of two batches: this one is handled while the previous one's
                    # outputs are acknowledged and its slowest events finish.
                    await asyncio.shield(previous.task)
                previous = latest
        finally:
            if latest is not None:
                # Shutting down (or crashing): drain, so faust commits only handled events.
                await latest.task

    async def _run(self, stream: faust.Stream, batch: _Batch) -> None:
        try:
            await self.process_batch(batch)
            for event in batch.events:
                await stream.ack(event)
        finally:
            batch.previous = None  # done batches must not keep a chain of their predecessors

    async def process_batch(self, batch: _Batch) -> None:
        """Handle a batch, publish its outputs and wait for their acks.

        ``batch.previous`` is the batch still in flight, if any: this one takes
        slots only once all of the previous one's events have started, keys the
        previous one holds wait until it is done (one ticket's events stay in
        order), and this batch publishes only after the previous one has, so
        outputs and offset acks keep the input order.
        """
        started = time.perf_counter()
        self._events_in.inc(len(batch.events))
        previous = batch.previous
        by_key: dict[Any, list[EventT]] = {}
        for event in batch.events:
            by_key.setdefault(event.key, []).append(event)
        busy = previous.keys if previous is not None else frozenset()
        ready = [group for key, group in by_key.items() if key not in busy]
        waiting = [group for key, group in by_key.items() if key in busy]
        records: list[Record] = []

        async def ready_groups() -> None:
            if previous is not None and ready:
                await previous.all_started.wait()
            await self._work_through(ready, batch, records)

        async def groups_of_busy_keys() -> None:
            if previous is not None and waiting:
                await previous.task
            await self._work_through(waiting, batch, records)

        await asyncio.gather(ready_groups(), groups_of_busy_keys())
        if previous is not None:
            await previous.task
        await publish_until_acked(self._send, records, self.settings.kafka_send_timeout_s)
        elapsed = time.perf_counter() - started
        for _ in batch.events:
            self._latency.observe(elapsed)
        for topic, count in Counter(r.topic for r in records).items():
            metrics.EVENTS_OUT.labels(self.name, topic).inc(count)

    async def _work_through(
        self, groups: list[list[EventT]], batch: _Batch, records: list[Record]
    ) -> None:
        """Handle key groups on at most ``stage_concurrency`` coroutines.

        The semaphore bounds events in flight across the two batches.
        """

        async def one(event: EventT) -> None:
            async with self._slots:
                batch.started_one()
                records.extend(await self.handle_event(event))

        await in_key_order(groups, self.settings.stage_concurrency, one)

    async def handle_event(self, event: EventT) -> list[Record]:
        return await self.events.handle(event.message, event.value)
