"""The stage's framework-free pieces: the per-event path and key-ordered concurrency."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from libs import topics
from libs.errors import TransientError
from libs.stage import EventPath, in_key_order
from schemas import Envelope, GuardedTicket, RawTicket, ticket_id_for, utcnow
from services.guard.engine import GuardResult
from services.guard.handler import guard_event


@dataclass
class FakeMessage:
    """An aiokafka-like consumed record (the path reads these attributes only)."""

    key: bytes | None
    topic: str = topics.RAW.name
    partition: int = 3
    offset: int = 42
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def raw_ticket() -> RawTicket:
    ticket_id = ticket_id_for("starfall", f"path-{uuid.uuid4().hex}")
    return RawTicket.model_validate(
        {
            **RawTicket.envelope(
                event_id=uuid.uuid4(), ticket_id=ticket_id, tenant="starfall", producer="test@0"
            ),
            "message_id": ticket_id,
            "player_ref": "ph",
            "text": "my guild bank is empty",
            "received_at": utcnow(),
        }
    )


class Handler:
    """Passes every ticket; fails its first ``failures`` calls with ``error``."""

    def __init__(self, failures: int = 0, error: type[Exception] = TransientError) -> None:
        self.calls = 0
        self.failures = failures
        self.error = error

    async def __call__(self, raw: RawTicket) -> Sequence[Envelope]:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("boom")
        result = GuardResult(verdict="pass", score=0.0, findings=[], redacted_text=raw.text, pii=[])
        return [guard_event(raw, result, "test@0")]


def path(handler: Handler) -> EventPath[RawTicket]:
    return EventPath(
        name="test", source=topics.RAW, handler=handler, retry_attempts=3, retry_max_wait_s=0.0
    )


async def test_an_event_becomes_its_outputs_on_their_topics() -> None:
    raw = raw_ticket()
    records = await path(Handler()).handle(FakeMessage(raw.ticket_id.encode()), raw.to_json())
    assert [(r.topic, r.key) for r in records] == [(topics.GUARDED.name, raw.ticket_id.encode())]
    assert GuardedTicket.model_validate_json(records[0].value).event_id == raw.derive("guard")


async def test_an_undecodable_value_becomes_one_dlq_record() -> None:
    handler = Handler()
    records = await path(handler).handle(FakeMessage(b"k"), b"not json")
    assert [(r.topic, r.key) for r in records] == [(topics.dlq_name(topics.RAW.name), b"k")]
    letter = json.loads(records[0].value)
    assert (letter["offset"], letter["error_type"], letter["value"]) == (
        42,
        "DecodeError",
        "not json",
    )
    assert handler.calls == 0


async def test_a_transient_error_is_retried() -> None:
    raw = raw_ticket()
    handler = Handler(failures=2)
    records = await path(handler).handle(FakeMessage(raw.ticket_id.encode()), raw.to_json())
    assert handler.calls == 3
    assert [r.topic for r in records] == [topics.GUARDED.name]


async def test_other_errors_and_exhausted_retries_go_to_the_dlq() -> None:
    raw = raw_ticket()
    for handler, calls in ((Handler(failures=1, error=ValueError), 1), (Handler(failures=9), 3)):
        records = await path(handler).handle(FakeMessage(raw.ticket_id.encode()), raw.to_json())
        assert handler.calls == calls
        assert [r.topic for r in records] == [topics.dlq_name(topics.RAW.name)]


async def test_in_key_order_keeps_each_keys_order_and_runs_keys_concurrently() -> None:
    groups = [[(key, seq) for seq in range(5)] for key in "abcd"]
    done: list[tuple[str, int]] = []
    running: set[str] = set()
    peak = 0

    async def handle(event: tuple[str, int]) -> None:
        nonlocal peak
        key, _ = event
        assert key not in running  # one key's events never overlap
        running.add(key)
        peak = max(peak, len(running))
        await asyncio.sleep(0.001)
        running.discard(key)
        done.append(event)

    await in_key_order(groups, 3, handle)
    for group in groups:
        assert [e for e in done if e[0] == group[0][0]] == group
    assert peak == 3
