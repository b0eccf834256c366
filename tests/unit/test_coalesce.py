"""The coalescer: concurrent calls share a batch, each caller gets its own result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from libs.coalesce import BatchSizeError, Coalescer


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        return [i * 10 for i in items]


async def test_concurrent_calls_share_one_batch_and_get_their_own_results() -> None:
    run = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(run, max_batch=64)
    results = await asyncio.gather(*(coalescer.submit(i) for i in range(10)))
    assert results == [i * 10 for i in range(10)]
    assert run.batches == [list(range(10))]


async def test_batches_are_capped() -> None:
    run = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(run, max_batch=4)
    results = await asyncio.gather(*(coalescer.submit(i) for i in range(10)))
    assert results == [i * 10 for i in range(10)]
    assert run.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


async def test_sequential_calls_are_not_held_back() -> None:
    run = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(run, max_batch=64)
    assert await coalescer.submit(1) == 10
    assert await coalescer.submit(2) == 20
    assert run.batches == [[1], [2]]


async def test_a_failing_batch_fails_each_caller_and_the_next_batch_still_runs() -> None:
    calls: list[list[int]] = []

    def explode_on_3(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        if 3 in items:
            raise ValueError("bad item")
        return list(items)

    coalescer: Coalescer[int, int] = Coalescer(explode_on_3, max_batch=2)
    results = await asyncio.gather(
        *(coalescer.submit(i) for i in (1, 2, 3, 4)), return_exceptions=True
    )
    assert results[:2] == [1, 2]
    assert all(isinstance(r, ValueError) for r in results[2:])
    assert await coalescer.submit(5) == 5


async def test_a_wrong_result_count_is_an_error_not_a_misalignment() -> None:
    coalescer: Coalescer[int, int] = Coalescer(lambda items: list(items)[:-1], max_batch=8)
    with pytest.raises(BatchSizeError):
        await asyncio.gather(coalescer.submit(1), coalescer.submit(2))


async def test_a_cancelled_caller_is_skipped() -> None:
    run = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(run, max_batch=8)
    doomed = asyncio.ensure_future(coalescer.submit(1))
    kept = asyncio.ensure_future(coalescer.submit(2))
    await asyncio.sleep(0)  # both submitted, the flush not run yet
    doomed.cancel()
    assert await kept == 20
    assert run.batches == [[2]]


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        Coalescer(list, max_batch=0)
