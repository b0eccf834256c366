"""Kafka factories: the ingest/API producer, faust apps, topic creation, publishing.

Publishing always waits for the broker's acknowledgement of every record,
bounded by a timeout, because aiokafka's ``send`` has no max-block setting.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faust.sensors import Monitor
from faust.sensors.base import Sensor
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TransportT

from libs import topics, tracing
from libs.codec import encode
from libs.settings import KafkaSettings
from schemas import DeadLetter, Envelope

logger = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]


class PublishError(Exception):
    """The broker did not acknowledge a write in time."""


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers


_SPEC_BY_MODEL: dict[type[Envelope], topics.TopicSpec] = {t.model: t for t in topics.ALL}


def record_for(model: Envelope, headers: Headers | None = None) -> Record:
    """The record for an output model on its registered topic, keyed by ticket id."""
    spec = _SPEC_BY_MODEL[type(model)]
    return Record(spec.name, model.ticket_id.encode(), encode(model), headers or [])


def dlq_record(letter: DeadLetter, headers: Headers | None = None) -> Record:
    return Record(
        topics.dlq_name(letter.topic),
        None if letter.key is None else letter.key.encode(),
        encode(letter),
        headers or [],
    )


#: ``send(topic, key, value, headers)`` returning the delivery future.
SendFn = Callable[[str, bytes | None, bytes, Headers], Awaitable[Awaitable[Any]]]


async def publish(send: SendFn, records: Iterable[Record], timeout_s: float) -> None:
    """Send all records and wait until the broker has acknowledged every one."""
    try:
        async with asyncio.timeout(timeout_s):
            futures = [await send(r.topic, r.key, r.value, r.headers) for r in records]
            await asyncio.gather(*futures)
    except (TimeoutError, KafkaError) as exc:
        raise PublishError(f"broker did not acknowledge: {exc!r}") from exc


async def publish_models(send: SendFn, models: Iterable[Envelope], timeout_s: float) -> None:
    """Publish contract models on their topics, carrying the current trace context."""
    headers = tracing.inject()
    await publish(send, [record_for(m, headers) for m in models], timeout_s)


def bootstrap_servers(settings: KafkaSettings) -> list[str]:
    return [s.strip() for s in settings.kafka_bootstrap.split(",") if s.strip()]


def aiokafka_producer(
    settings: KafkaSettings, client_id: str, *, linger_ms: int | None = None
) -> AIOKafkaProducer:
    """``linger_ms`` replaces ``settings.kafka_linger_ms`` (ingest batches requests itself)."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers(settings),
        client_id=client_id,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        linger_ms=settings.kafka_linger_ms if linger_ms is None else linger_ms,
        request_timeout_ms=int(settings.kafka_send_timeout_s * 1000),
    )


def aiokafka_sender(producer: AIOKafkaProducer) -> SendFn:
    async def send(topic: str, key: bytes | None, value: bytes, headers: Headers) -> Any:
        return await producer.send(topic, value, key=key, headers=headers)

    return send


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # faust hard-codes fetch_max_wait_ms=1500; aiokafka reads it when the consumer starts.
        app = self.consumer.app
        assert isinstance(app, _App)
        consumer._fetch_max_wait_ms = app.fetch_max_wait_ms
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class _LeanMonitor(Monitor):
    """faust's Monitor without its per-message bookkeeping.

    Those in-memory stats feed faust's web views, which are off here; the
    services' figures come from Prometheus (``libs.metrics``). Commit, rebalance
    and end-offset tracking stay.
    """

    on_message_in = Sensor.on_message_in
    on_stream_event_in = Sensor.on_stream_event_in
    on_stream_event_out = Sensor.on_stream_event_out
    on_message_out = Sensor.on_message_out
    on_send_initiated = Sensor.on_send_initiated
    on_send_completed = Sensor.on_send_completed


class _App(faust.App):
    """faust's app with a configurable fetch wait (the Tansu dev broker answers a fetch
    only when the wait is over, which otherwise adds up to 1.5 s per stage)."""

    fetch_max_wait_ms = 500

    def _new_transport(self) -> TransportT:
        return _Transport(self.conf.broker_consumer, self, loop=self.loop)


def faust_app(service: str, settings: KafkaSettings) -> faust.App:
    """A faust app whose consumer group is ``triage-<service>``; topics are pre-created."""
    brokers = ";".join(f"kafka://{s}" for s in bootstrap_servers(settings))
    datadir_root = Path(tempfile.gettempdir()) / "triage-faust"
    # faust creates only the last path level of its datadir (no parents).
    datadir_root.mkdir(parents=True, exist_ok=True)
    app = _App(
        f"triage-{service}",
        broker=brokers,
        store="memory://",
        # faust keeps only a small state directory; nothing in it must survive a restart
        datadir=str(datadir_root / "{conf.name}"),
        autodiscover=False,
        web_enabled=False,
        Monitor=_LeanMonitor,
        topic_allow_declare=False,
        topic_disable_leader=True,
        topic_replication_factor=settings.kafka_replication_factor,
        producer_acks=-1,
        producer_linger_ms=settings.kafka_linger_ms,
        consumer_auto_offset_reset="earliest",
        consumer_group_instance_id=settings.kafka_group_instance_id,
        broker_session_timeout=settings.kafka_session_timeout_s,
        broker_rebalance_timeout=settings.kafka_rebalance_timeout_s,
        broker_heartbeat_interval=settings.kafka_heartbeat_interval_s,
        broker_commit_interval=0.5,
    )
    app.fetch_max_wait_ms = settings.kafka_fetch_max_wait_ms
    return app


def faust_sender(app: faust.App) -> SendFn:
    async def send(topic: str, key: bytes | None, value: bytes, headers: Headers) -> Any:
        return await app.producer.send(topic, key, value, None, None, headers)

    return send


async def ensure_topics(settings: KafkaSettings, wanted: dict[str, int] | None = None) -> None:
    """Create any missing topic of the registry (DLQs included)."""
    wanted = wanted or topics.all_topic_names()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing: Sequence[NewTopic] = [
            NewTopic(
                name, num_partitions=parts, replication_factor=settings.kafka_replication_factor
            )
            for name, parts in wanted.items()
            if name not in existing
        ]
        if missing:
            try:
                await admin.create_topics(list(missing))
            except TopicAlreadyExistsError:
                logger.info("topics created concurrently", extra={"event": "topics_race"})
    finally:
        await admin.close()
