"""``python -m bench.rawloop``: the guard baseline, a raw aiokafka consume -> produce loop.

Consumes ``--source`` in batches, produces every message unchanged to
``--target`` (same key, value and headers), waits for the acks and commits (until SIGTERM):
the same delivery contract as a stage, with no framework and no decoding.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def run(bootstrap: str, source: str, target: str) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"bench-raw-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,  # as the stages get on the dev stack (Tansu waits it out)
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=200, max_records=500)
            futures = [
                await producer.send(target, r.value, key=r.key, headers=list(r.headers or ()))
                for records in batch.values()
                for r in records
            ]
            await asyncio.gather(*futures)
            await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    args = parser.parse_args()
    asyncio.run(run(args.bootstrap, args.source, args.target))


if __name__ == "__main__":
    main()
