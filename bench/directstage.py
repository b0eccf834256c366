"""``python -m bench.directstage``: the guard stage on an aiokafka ``getmany`` loop, no faust.

A diagnostic for the guard figure: what the guard would cost with the consumer
the bench proposes for stages. It runs the very stage ``services.guard`` runs
(``services.guard.app``: same settings, rules engine, PII vault and handler)
through its framework-free per-event path (:class:`libs.stage.EventPath`:
decode, handler with retries, output records, DLQ on failure), publishes each
batch with :func:`libs.stage.publish_until_acked` and commits only after the
acks. The consumer joins the guard's group with faust's consumer settings
(fetch wait, timeouts, poll size); only faust's stream machinery is gone.

A batch's keys run concurrently on up to ``stage_concurrency`` coroutines, one
key's events in order (:func:`libs.stage.in_key_order`, as the stage does), so
the vault's Redis writes overlap. One batch at a time; runs until SIGTERM, then
commits what it has published.
"""

from __future__ import annotations

import asyncio
import signal
import uuid

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from libs import topics
from libs.kafka import Record, aiokafka_producer, aiokafka_sender, bootstrap_servers
from libs.logs import setup_logging
from libs.stage import in_key_order, publish_until_acked
from libs.tracing import setup_tracing
from services.guard.app import app, settings, stage


def consumer() -> AIOKafkaConsumer:
    """The guard's consumer group, configured as faust configures its consumer."""
    conf = app.conf
    return AIOKafkaConsumer(
        topics.RAW.name,
        bootstrap_servers=bootstrap_servers(settings),
        group_id=conf.id,
        group_instance_id=conf.consumer_group_instance_id,
        enable_auto_commit=False,
        auto_offset_reset=conf.consumer_auto_offset_reset,
        max_poll_records=conf.broker_max_poll_records,
        max_partition_fetch_bytes=conf.consumer_max_fetch_size,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        request_timeout_ms=int(conf.broker_request_timeout * 1000),
        session_timeout_ms=int(conf.broker_session_timeout * 1000),
        rebalance_timeout_ms=int(conf.broker_rebalance_timeout * 1000),
        heartbeat_interval_ms=int(conf.broker_heartbeat_interval * 1000),
    )


async def handle_batch(messages: list[ConsumerRecord[bytes, bytes]]) -> list[Record]:
    """The batch's output records, each key's events handled in order."""
    by_key: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = {}
    for message in messages:
        by_key.setdefault(message.key, []).append(message)
    records: list[Record] = []

    async def one(message: ConsumerRecord[bytes, bytes]) -> None:
        records.extend(await stage.events.handle(message, message.value))

    await in_key_order(list(by_key.values()), settings.stage_concurrency, one)
    return records


async def run() -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    source = consumer()
    producer = aiokafka_producer(settings, f"bench-directstage-{uuid.uuid4().hex[:8]}")
    send = aiokafka_sender(producer)
    await source.start()
    await producer.start()
    try:
        while not stop.is_set():
            batch = await source.getmany(timeout_ms=200, max_records=settings.stage_batch_size)
            if not batch:
                continue
            records = await handle_batch([m for messages in batch.values() for m in messages])
            await publish_until_acked(send, records, settings.kafka_send_timeout_s)
            await source.commit()
    finally:
        await source.stop()
        await producer.stop()


def main() -> None:
    setup_logging(settings.service_name, settings.log_level)
    setup_tracing(settings.service_name, settings)
    asyncio.run(run())


if __name__ == "__main__":
    main()
