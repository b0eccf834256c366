"""Run concurrent single-item calls as one batch call.

Some work costs far less per item in a batch than alone: the local model's
``predict_many`` over 16 texts costs ~0.5 ms per text, one text alone ~5 ms
(scikit-learn's per-call overhead). A stage handles its events on concurrent
coroutines, each wanting one item; a :class:`Coalescer` lets each await its
own result while the items that arrived in the same loop iteration are
computed together. A lone call is not delayed beyond the current iteration.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class BatchSizeError(RuntimeError):
    """The batch function returned a different number of results than it was given items."""


class Coalescer(Generic[T, R]):
    """Collects ``submit``ted items and runs ``run_batch`` over up to ``max_batch`` at once.

    ``run_batch`` is synchronous (CPU-bound work would block the loop in any case)
    and must return one result per item, in order. If it raises, every caller of
    that batch gets the exception.
    """

    def __init__(self, run_batch: Callable[[Sequence[T]], Sequence[R]], *, max_batch: int) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._flush_scheduled = False

    async def submit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if not self._flush_scheduled:
            # call_soon runs after the callbacks already ready in this iteration, so
            # coroutines resumed together (a stage's workers) share the batch.
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._flush_scheduled = False
        while self._waiting:
            taken = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            live = [(item, future) for item, future in taken if not future.cancelled()]
            if not live:
                continue
            try:
                results = self._run_batch([item for item, _ in live])
                if len(results) != len(live):
                    raise BatchSizeError(f"{len(results)} results for {len(live)} items")
            except Exception as exc:  # noqa: BLE001 - re-raised in every caller of this batch
                for _, future in live:
                    future.set_exception(exc)
                continue
            for (_, future), result in zip(live, results, strict=True):
                future.set_result(result)
