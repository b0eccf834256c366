"""The aiokafka producer behind ingest, kept optional so the app runs while Kafka is down.

The first connection is tried at start-up; if the broker is unreachable the
app serves anyway (answering 503 and reporting not-ready) while a background
task keeps reconnecting. Once connected, aiokafka itself rides out broker
restarts; every write is still bounded by ``kafka_send_timeout_s``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from libs import topics
from libs.kafka import Record, SendFn, aiokafka_producer, aiokafka_sender, publish
from libs.logs import log_fields
from libs.settings import KafkaSettings

logger = logging.getLogger(__name__)

RECONNECT_MIN_S = 0.5
RECONNECT_MAX_S = 10.0
PROBE_TIMEOUT_S = 2.0


class BrokerUnavailable(Exception):
    """No producer connection to the broker yet."""


class KafkaGateway:
    def __init__(self, settings: KafkaSettings, client_id: str, *, linger_ms: int) -> None:
        self._settings = settings
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._producer: AIOKafkaProducer | None = None
        self._send: SendFn | None = None
        self._reconnect: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._producer is not None

    async def start(self) -> None:
        """Connect now if possible, else keep trying in the background."""
        if not await self._connect():
            self._reconnect = asyncio.create_task(self._reconnect_loop())

    async def _connect(self) -> bool:
        producer = aiokafka_producer(self._settings, self._client_id, linger_ms=self._linger_ms)
        try:
            async with asyncio.timeout(self._settings.kafka_send_timeout_s):
                await producer.start()
                # Fetch the topic's metadata now rather than on the first request.
                await producer.partitions_for(topics.RAW.name)
        except (KafkaError, OSError, TimeoutError) as exc:
            logger.warning(
                "kafka unreachable, will retry",
                extra=log_fields("kafka_connect_failed", error=repr(exc)),
            )
            await producer.stop()
            return False
        self._producer = producer
        self._send = aiokafka_sender(producer)
        logger.info("kafka producer connected", extra=log_fields("kafka_connected"))
        return True

    async def _reconnect_loop(self) -> None:
        delay = RECONNECT_MIN_S
        while True:
            await asyncio.sleep(delay)
            if await self._connect():
                return
            delay = min(delay * 2, RECONNECT_MAX_S)

    async def publish(self, records: Sequence[Record]) -> None:
        """Write and wait for the broker's acks; raises BrokerUnavailable or PublishError."""
        if self._send is None:
            raise BrokerUnavailable("no connection to the broker yet")
        await publish(self._send, records, self._settings.kafka_send_timeout_s)

    async def ready(self) -> bool:
        """Whether the broker answers a metadata request now."""
        if self._producer is None:
            return False
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S):
                return bool(await self._producer.client.force_metadata_update())
        except TimeoutError:
            return False

    async def stop(self) -> None:
        """Stop reconnecting; flush and close the producer."""
        if self._reconnect is not None:
            self._reconnect.cancel()
            await asyncio.wait([self._reconnect])
        if self._producer is not None:
            await self._producer.stop()
            self._producer = self._send = None
