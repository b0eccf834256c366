"""``python -m bench.loadgen``: an HTTP load generator in its own process.

Plain asyncio streams over keep-alive HTTP/1.1 with pre-built request bytes, so
the generator spends as little CPU as possible per request (on a 2-core machine
it shares the CPUs with the server it measures). Two modes:

- ``closed``: ``--concurrency`` connections each send the next request as soon
  as the previous one is answered, for ``--duration`` seconds (throughput).
- ``open``: requests start at a fixed ``--rate`` regardless of answers
  (latency at a steady load); ``--answers`` gets one JSON line per 202 answer
  with its wall-clock time and ticket id.

Prints one JSON object: counts by status, requests/s, latency p50/p99 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import percentile
from bench.tickets import signed_requests


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)
    answers: list[tuple[float, str]] = field(default_factory=list)
    errors: int = 0


class Connection:
    """One keep-alive connection that sends a request and reads its whole answer."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _send(conn: Connection, raw: bytes, tally: Tally, keep_answers: bool) -> None:
    started = time.perf_counter()
    try:
        status, body = await conn.request(raw)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        tally.errors += 1
        conn.close()
        return
    tally.latencies_s.append(time.perf_counter() - started)
    tally.statuses[status] += 1
    if keep_answers and status == 202:
        tally.answers.append((time.time(), json.loads(body)["ticket_id"]))


async def closed_loop(
    host: str, port: int, requests: list[bytes], concurrency: int, duration_s: float
) -> tuple[Tally, float]:
    tally = Tally()
    pending = iter(requests)
    deadline = time.perf_counter() + duration_s

    async def client() -> None:
        conn = Connection(host, port)
        try:
            for raw in pending:
                if time.perf_counter() >= deadline:
                    return
                await _send(conn, raw, tally, keep_answers=False)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return tally, time.perf_counter() - started


async def open_loop(
    host: str, port: int, requests: list[bytes], rate: float, duration_s: float
) -> tuple[Tally, float]:
    tally = Tally()
    idle: list[Connection] = []
    in_flight: set[asyncio.Task[None]] = set()

    async def one(raw: bytes) -> None:
        conn = idle.pop() if idle else Connection(host, port)
        try:
            await _send(conn, raw, tally, keep_answers=True)
        finally:
            idle.append(conn)

    total = min(len(requests), int(rate * duration_s))
    started = time.perf_counter()
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(requests[i]))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    elapsed = time.perf_counter() - started
    for conn in idle:
        conn.close()
    return tally, elapsed


def summary(tally: Tally, elapsed_s: float) -> dict[str, object]:
    done = sum(tally.statuses.values())
    return {
        "requests": done,
        "errors": tally.errors,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "elapsed_s": round(elapsed_s, 3),
        "rps": done / elapsed_s if elapsed_s else 0.0,
        "accepted_rps": tally.statuses[202] / elapsed_s if elapsed_s else 0.0,
        "p50_ms": percentile(tally.latencies_s, 50) * 1000,
        "p99_ms": percentile(tally.latencies_s, 99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mode", choices=("closed", "open"), default="closed")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--answers", type=Path)
    args = parser.parse_args()
    requests = signed_requests(f"{args.host}:{args.port}", uuid.uuid4().hex[:8], args.count)
    if args.mode == "closed":
        tally, elapsed = asyncio.run(
            closed_loop(args.host, args.port, requests, args.concurrency, args.duration)
        )
    else:
        tally, elapsed = asyncio.run(
            open_loop(args.host, args.port, requests, args.rate, args.duration)
        )
    if args.answers:
        args.answers.write_text("".join(json.dumps(a) + "\n" for a in tally.answers))
    print(json.dumps(summary(tally, elapsed)))


if __name__ == "__main__":
    main()
