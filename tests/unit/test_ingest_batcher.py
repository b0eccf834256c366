"""The ingest batcher: concurrent submissions share one ingest call, in order, errors shared."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest

from libs.http import ApiError
from schemas.ingest import IngestRequest
from services.ingest.batcher import Batcher
from services.ingest.ingestor import Outcome, Submission


def _request(message_id: str) -> IngestRequest:
    return IngestRequest(message_id=message_id, tenant="starfall", player_id="p", text="hi")


def _submission(*message_ids: str) -> Submission:
    return Submission([_request(m) for m in message_ids], [("traceparent", b"x")])


class Recorder:
    """An ingest function that records the calls and answers "accepted" per ticket."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[list[list[str]]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.fail = fail

    async def __call__(self, submissions: Sequence[Submission]) -> list[list[Outcome]]:
        self.calls.append([[r.message_id for r in s.requests] for s in submissions])
        await self.release.wait()
        if self.fail is not None:
            raise self.fail
        return [
            [Outcome(r.message_id, uuid.uuid4(), "accepted") for r in s.requests]
            for s in submissions
        ]


@pytest.mark.parametrize("in_flight", [1, 2])
async def test_concurrent_submissions_share_one_call_and_get_their_own_outcomes(
    in_flight: int,
) -> None:
    ingest = Recorder()
    batcher = Batcher(ingest, max_tickets=100, max_in_flight=in_flight)

    answers = await asyncio.gather(*(batcher.submit(_submission(f"m{i}")) for i in range(5)))

    assert ingest.calls == [[["m0"], ["m1"], ["m2"], ["m3"], ["m4"]]]
    assert [[o.ticket_id for o in a] for a in answers] == [[f"m{i}"] for i in range(5)]


async def test_submissions_wait_for_a_free_flush_and_batches_respect_the_size() -> None:
    ingest = Recorder()
    ingest.release.clear()
    batcher = Batcher(ingest, max_tickets=2, max_in_flight=1)
    first = asyncio.ensure_future(batcher.submit(_submission("a")))
    await asyncio.sleep(0)
    rest = [asyncio.ensure_future(batcher.submit(_submission(m))) for m in "bcd"]
    await asyncio.sleep(0)
    assert ingest.calls == [[["a"]]]  # the others wait while the only flush runs

    ingest.release.set()
    await asyncio.gather(first, *rest)

    assert ingest.calls == [[["a"]], [["b"], ["c"]], [["d"]]]


async def test_a_repeated_message_waits_for_a_later_flush() -> None:
    ingest = Recorder()
    batcher = Batcher(ingest, max_tickets=100, max_in_flight=1)

    await asyncio.gather(*(batcher.submit(_submission(m)) for m in ("x", "y", "x")))

    assert ingest.calls == [[["x"], ["y"]], [["x"]]]


async def test_a_failed_flush_fails_each_of_its_requests() -> None:
    error = ApiError(503, "redis_unavailable", "Redis unavailable")
    batcher = Batcher(Recorder(fail=error), max_tickets=100, max_in_flight=2)

    results = await asyncio.gather(
        batcher.submit(_submission("a")), batcher.submit(_submission("b")), return_exceptions=True
    )

    assert results == [error, error]


async def test_drain_waits_for_the_flushes_in_progress() -> None:
    ingest = Recorder()
    ingest.release.clear()
    batcher = Batcher(ingest, max_tickets=100, max_in_flight=1)
    pending = asyncio.ensure_future(batcher.submit(_submission("a")))
    await asyncio.sleep(0)
    drained = asyncio.ensure_future(batcher.drain())
    await asyncio.sleep(0.01)
    assert not drained.done()

    ingest.release.set()
    await drained
    assert pending.done() and pending.result()[0].ticket_id == "a"


@pytest.mark.parametrize("in_flight", [1, 3])
async def test_every_submission_is_answered_under_load(in_flight: int) -> None:
    ingest = Recorder()
    batcher = Batcher(ingest, max_tickets=7, max_in_flight=in_flight)

    answers = await asyncio.gather(*(batcher.submit(_submission(f"m{i}")) for i in range(50)))

    assert [a[0].ticket_id for a in answers] == [f"m{i}" for i in range(50)]
    assert all(sum(len(s) for s in call) <= 7 for call in ingest.calls)
    assert sorted(m for call in ingest.calls for s in call for m in s) == sorted(
        f"m{i}" for i in range(50)
    )


@pytest.mark.parametrize(
    ("linger_s", "calls"), [(0.0, [[["a"]], [["b"]]]), (0.2, [[["a"], ["b"]]])]
)
async def test_an_idle_batcher_lingers_for_company_when_asked(
    linger_s: float, calls: list[list[list[str]]]
) -> None:
    ingest = Recorder()
    batcher = Batcher(ingest, max_tickets=100, max_in_flight=1, linger_s=linger_s)

    first = asyncio.ensure_future(batcher.submit(_submission("a")))
    await asyncio.sleep(0.02)
    await asyncio.gather(first, batcher.submit(_submission("b")))

    assert ingest.calls == calls
