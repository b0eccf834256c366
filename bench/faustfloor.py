"""``python -m bench.faustfloor --target TOPIC``: faust's consume -> produce floor, no handler.

A diagnostic for the guard figure: the cheapest stage faust-streaming allows.
A faust app built like every service's (:func:`libs.kafka.faust_app` with the
guard's settings, so the same consumer configuration) whose agent takes batches
with ``noack_take(stage_batch_size, stage_batch_within_s)``, produces every
message unchanged (same key, value and headers) to ``--target`` through the
stage's sender (:func:`libs.kafka.faust_sender`, :func:`libs.stage.publish_until_acked`),
waits for the acks and then acks the events: what ``bench.rawloop`` does, on
faust. No decoding, handler, tracing or metrics.
"""

from __future__ import annotations

import argparse
import sys

import faust

from libs import topics
from libs.kafka import Record, faust_app, faust_sender
from libs.stage import publish_until_acked
from libs.worker import run_worker
from services.guard.settings import GuardSettings

settings = GuardSettings(service_name="bench-faustfloor")


def build(target: str) -> faust.App:
    """The app with its one agent: copy ``tickets.raw.v1`` to ``target`` in batches."""
    app = faust_app("bench-faustfloor", settings)
    send = faust_sender(app)
    source = app.topic(topics.RAW.name, key_serializer="raw", value_serializer="raw")

    @app.agent(source, name="bench-faustfloor.copy")
    async def copy(stream: faust.StreamT) -> None:
        assert isinstance(stream, faust.Stream)  # noack_take lives on the concrete class
        async for events in stream.noack_take(
            settings.stage_batch_size, settings.stage_batch_within_s
        ):
            records = [
                Record(target, e.message.key, e.value, list(e.message.headers or ()))
                for e in events
            ]
            await publish_until_acked(send, records, settings.kafka_send_timeout_s)
            for event in events:
                await stream.ack(event)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    args = parser.parse_args()
    app = build(args.target)
    sys.argv[1:] = ["worker"]
    run_worker(app, settings)


if __name__ == "__main__":
    main()
