"""The stream-stage runner every faust service uses.

A stage consumes one topic in batches (``take_events``), handles each event
with a plain async function that takes and returns schema models, publishes
the outputs, waits for the broker's acks and only then lets faust ack the
batch. One ticket's events (one key) are handled in order; different keys run
concurrently up to ``stage_concurrency``. A handler that raises never escapes:
transient errors are retried with backoff, anything else (or a transient error
that outlasts its retries) becomes a DLQ record, because faust would otherwise
ack the event and skip it silently.

The per-event path is kept lean because it bounds a stage's throughput
(``make bench``): a batch runs on at most ``stage_concurrency`` worker
coroutines (not one task per key), the retry machinery is only entered after a
first failure, and metric children are bound once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

import faust
from faust.types import EventT
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from libs import metrics, tracing
from libs.codec import DecodeError, dead_letter, decode
from libs.errors import TransientError
from libs.kafka import PublishError, Record, dlq_record, faust_sender, publish, record_for
from libs.settings import KafkaSettings
from libs.topics import TopicSpec
from schemas import Envelope

logger = logging.getLogger(__name__)

In = TypeVar("In", bound=Envelope)
Handler = Callable[[In], Awaitable[Sequence[Envelope]]]


def _headers(raw: Any) -> list[tuple[str, bytes]]:
    if not raw:
        return []
    items = raw.items() if isinstance(raw, Mapping) else raw
    return [(str(k), v if isinstance(v, bytes) else str(v).encode()) for k, v in items]


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
        self.handler = handler
        self.settings = settings
        self.retry_attempts = retry_attempts
        self.retry_max_wait_s = retry_max_wait_s
        self._send = faust_sender(app)
        self._events_in = metrics.EVENTS_IN.labels(name, source.name)
        self._latency = metrics.STAGE_LATENCY.labels(name)
        topic = app.topic(source.name, key_serializer="raw", value_serializer="raw")
        app.agent(topic, name=f"{name}.{source.name}")(self._agent)

    async def _agent(self, stream: faust.StreamT) -> None:
        assert isinstance(stream, faust.Stream)  # take_events lives on the concrete class
        async for events in stream.take_events(
            self.settings.stage_batch_size, self.settings.stage_batch_within_s
        ):
            task = asyncio.ensure_future(self.process_batch(events))
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                # Shutting down: finish (drain) the batch so faust acks only handled events.
                await task
                raise

    async def process_batch(self, events: Sequence[EventT]) -> None:
        started = time.perf_counter()
        by_key: dict[Any, list[EventT]] = {}
        for event in events:
            by_key.setdefault(event.key, []).append(event)
        groups = iter(by_key.values())
        records: list[Record] = []

        async def work_through_groups() -> None:
            # Workers share one iterator: a key's events stay with one worker, in order.
            for group in groups:
                for event in group:
                    records.extend(await self.handle_event(event))

        workers = min(self.settings.stage_concurrency, len(by_key))
        await asyncio.gather(*(work_through_groups() for _ in range(workers)))
        await self._publish_until_acked(records)
        elapsed = time.perf_counter() - started
        for _ in events:
            self._latency.observe(elapsed)
        for topic, count in Counter(r.topic for r in records).items():
            metrics.EVENTS_OUT.labels(self.name, topic).inc(count)

    async def handle_event(self, event: EventT) -> list[Record]:
        message = event.message
        headers = _headers(message.headers)
        self._events_in.inc()
        with tracing.consumer_span(self.name, message.topic, headers):
            try:
                model = cast(In, decode(self.source.model, event.value))
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
                    value=event.value,
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

    async def _publish_until_acked(self, records: list[Record]) -> None:
        """Kafka being down blocks the stage (lag grows) rather than losing the batch."""
        if not records:
            return
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(PublishError),
            wait=wait_exponential_jitter(initial=0.2, max=5.0),
            reraise=True,
        ):
            with attempt:
                await publish(self._send, records, self.settings.kafka_send_timeout_s)
