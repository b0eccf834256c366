"""Coalesce concurrent requests into one ingest call: one Redis script, one produce, one mark.

Every request hands its validated tickets (a :class:`Submission`) to the
batcher and awaits its outcomes. While fewer than ``max_in_flight`` flushes
run, a flush starts at once and takes everything waiting (up to
``max_tickets``); when all flush slots are busy, new submissions wait for the
next free one. Batches therefore grow with the load on their own: a lone
request is written at once, and under load the Redis round trips and the
broker's acknowledgements are shared by everything that arrived meanwhile.

A message submitted again while an earlier submission of it is still waiting
is held back to a later flush, so it is answered exactly as if it had come
after the first was written (``duplicate``, or ``in_flight`` while that write
runs), never "accepted" twice.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from services.ingest.ingestor import Outcome, Submission

IngestFn = Callable[[Sequence[Submission]], Awaitable[list[list[Outcome]]]]


class _Waiting:
    __slots__ = ("future", "submission")

    def __init__(self, submission: Submission, future: asyncio.Future[list[Outcome]]) -> None:
        self.submission = submission
        self.future = future


class Batcher:
    def __init__(
        self, ingest: IngestFn, *, max_tickets: int, max_in_flight: int, linger_s: float = 0.0
    ) -> None:
        self._ingest = ingest
        self._linger_s = linger_s
        self._max_tickets = max_tickets
        self._max_in_flight = max_in_flight
        self._waiting: deque[_Waiting] = deque()
        self._flushes: set[asyncio.Task[None]] = set()
        self._starting = False

    async def submit(self, submission: Submission) -> list[Outcome]:
        """The outcomes of ``submission``'s tickets, in order, once they are settled.

        Raises what the ingest call of its flush raised (a 503 ApiError when Redis
        or Kafka is unavailable).
        """
        future: asyncio.Future[list[Outcome]] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(submission, future))
        self._start_flushes()
        return await future

    def _start_flushes(self) -> None:
        # A flush that has not started yet takes whatever waits when it does: the task
        # runs after the request tasks already scheduled in this loop iteration, so
        # requests that arrived together share it.
        if self._waiting and not self._starting and len(self._flushes) < self._max_in_flight:
            self._starting = True
            task = asyncio.create_task(self._flush())
            self._flushes.add(task)
            task.add_done_callback(self._flush_done)

    def _flush_done(self, task: asyncio.Task[None]) -> None:
        self._flushes.discard(task)
        self._start_flushes()

    def _take(self) -> list[_Waiting]:
        """Waiting submissions up to ``max_tickets`` (at least one), without repeated keys."""
        taken: list[_Waiting] = []
        held: list[_Waiting] = []
        keys: set[tuple[str, str]] = set()
        count = 0
        while self._waiting:
            entry = self._waiting[0]
            size = len(entry.submission.requests)
            if taken and count + size > self._max_tickets:
                break
            self._waiting.popleft()
            if entry.future.done():
                continue  # its request was cancelled
            mine = entry.submission.keys()
            if keys.isdisjoint(mine):
                keys |= mine
                taken.append(entry)
                count += size
            else:
                held.append(entry)
        self._waiting.extendleft(reversed(held))
        return taken

    async def _flush(self) -> None:
        if self._linger_s and len(self._flushes) == 1:
            # Idle until now: wait a moment for company (while other flushes run,
            # requests gather on their own).
            await asyncio.sleep(self._linger_s)
        self._starting = False
        batch = self._take()
        self._start_flushes()  # what did not fit may use another free slot
        if not batch:
            return
        try:
            outcomes = await self._ingest([entry.submission for entry in batch])
        except Exception as exc:  # noqa: BLE001 - every request of the batch answers it
            for entry in batch:
                if not entry.future.done():
                    entry.future.set_exception(exc)
        else:
            for entry, answer in zip(batch, outcomes, strict=True):
                if not entry.future.done():
                    entry.future.set_result(answer)
        finally:
            # Only when the flush itself was cancelled: its requests must not hang.
            for entry in batch:
                if not entry.future.done():
                    entry.future.cancel()

    async def drain(self) -> None:
        """Wait for the flushes in progress (at shutdown, before the producer stops)."""
        while self._flushes:
            await asyncio.wait(list(self._flushes))
