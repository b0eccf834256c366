"""The measurements. Each starts its own local stack, so none sees another's records."""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench import procs
from bench.kafkaio import Arrivals, preload
from bench.report import Figure, Section, percentile, ratio
from bench.tickets import guarded_records, raw_records
from libs import topics
from libs.devstack import stack as devstack
from libs.devstack.pipeline import Endpoints, Pipeline
from libs.kafka import ensure_topics
from libs.settings import KafkaSettings

#: Where the raw-loop baseline writes its unchanged copies.
COPY_TOPIC = "bench.copy.v1"
#: Quiet logs and limits no bench load can hit (rate limits are per player, raised anyway).
QUIET = {"TRIAGE_LOG_LEVEL": "WARNING"}
NO_LIMITS = {"TRIAGE_INGEST_RATE_PER_MINUTE": "100000000", "TRIAGE_INGEST_RATE_BURST": "100000000"}


@dataclass(frozen=True)
class Sizes:
    """How much load each measurement uses (``--quick`` shrinks them for a smoke run)."""

    http_duration_s: float = 15.0
    http_concurrency: int = 32
    guard_events: int = 20_000
    agent_latency_s: float = 0.5
    agent_concurrency: int = 16
    agent_seconds: float = 20.0
    e2e_rates: tuple[int, ...] = (50, 100, 200, 350, 500)
    e2e_duration_s: float = 12.0

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            http_duration_s=3.0,
            guard_events=2_000,
            agent_seconds=4.0,
            e2e_rates=(25, 100),
            e2e_duration_s=4.0,
        )


@contextmanager
def local_stack(workdir: Path) -> Iterator[devstack.LocalStack]:
    stack = devstack.start(workdir)
    try:
        yield stack
    finally:
        stack.stop()


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout_s}s")


def loadgen(port: int, *args: str) -> dict[str, float]:
    """Run the load generator as its own process and return its summary."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", "--port", str(port), *args],
        check=True,
        capture_output=True,
        cwd=procs.ROOT,
        env={**procs.os.environ, "PYTHONPATH": str(procs.ROOT)},
    )
    return dict(json.loads(out.stdout))


# --- 1. ingest ---------------------------------------------------------------------------


def ingest(sizes: Sizes, workdir: Path, rss: dict[str, float]) -> Section:
    section = Section("ingest")
    load = ["--concurrency", str(sizes.http_concurrency), "--duration", str(sizes.http_duration_s)]
    with local_stack(workdir / "stack") as stack:
        port = devstack.free_port()
        bare = procs.spawn(["bench.bare", "--port", str(port)], QUIET, workdir / "bare.log")
        try:
            wait_http(f"http://127.0.0.1:{port}/readyz", bare)
            base = loadgen(port, *load)
            rss["bare-fastapi"] = procs.peak_rss_mb(bare.pid)
        finally:
            procs.stop(bare)
        port = devstack.free_port()
        env = {**stack.env(), **QUIET, **NO_LIMITS, "TRIAGE_INGEST_PORT": str(port)}
        svc = procs.spawn(["services.ingest"], env, workdir / "ingest.log")
        try:
            wait_http(f"http://127.0.0.1:{port}/readyz", svc)
            real = loadgen(port, *load)
            rss["ingest"] = procs.peak_rss_mb(svc.pid)
        finally:
            procs.stop(svc)
    section.details = {"bare": base, "ingest": real, "concurrency": sizes.http_concurrency}
    section.figures = [
        Figure(
            "accepted req/s vs bare FastAPI", ratio(real["accepted_rps"], base["rps"]), "x", 0.6
        ),
        Figure("ingest accepted req/s", real["accepted_rps"], "req/s"),
        Figure("bare FastAPI req/s", base["rps"], "req/s"),
        Figure("ingest p50 / p99", real["p50_ms"], "ms", note=f"p99 {real['p99_ms']:.1f} ms"),
        Figure("bare p50 / p99", base["p50_ms"], "ms", note=f"p99 {base['p99_ms']:.1f} ms"),
    ]
    return section


# --- 2. guard stage ----------------------------------------------------------------------


async def _watch_new(
    bootstrap: str,
    names: list[str],
    *,
    until: float = math.inf,
    timeout_s: float = 600.0,
    stop: asyncio.Event | None = None,
    seen: Arrivals | None = None,
    keys: set[bytes] | None = None,
) -> Arrivals:
    """Records written to ``names`` after the call (seek to end first), with arrival times.

    Only records keyed by one of ``keys`` count, if given (redeliveries of earlier
    input do not). Ends at ``until`` records, after ``timeout_s``, or once ``stop`` is set.
    """
    seen = seen or Arrivals()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        # Tansu answers a fetch only when its wait is over: keep the observer's delay small.
        fetch_max_wait_ms=5,
    )
    await consumer.start()
    try:
        await consumer.topics()
        parts = [
            TopicPartition(name, p)
            for name in names
            for p in sorted(consumer.partitions_for_topic(name) or set())
        ]
        consumer.assign(parts)
        await consumer.seek_to_end(*parts)
        deadline = time.monotonic() + timeout_s
        while seen.count < until and time.monotonic() < deadline:
            if stop is not None and stop.is_set():
                break
            batch = await consumer.getmany(timeout_ms=50, max_records=10_000)
            if not batch:
                continue
            now = time.time()
            for tp, records in batch.items():
                first_here = seen.by_topic.setdefault(tp.topic, {})
                for record in records:
                    if record.key is not None:
                        first_here.setdefault(record.key, now)
                    if keys is not None and (record.key not in keys or record.key in seen.by_key):
                        continue  # not this load's, or a redelivery
                    seen.first_s = seen.first_s or now
                    seen.last_s = now
                    seen.count += 1
                    if record.key is not None:
                        seen.by_key.setdefault(record.key, now)
        return seen
    finally:
        await consumer.stop()


#: Records a stage handles before the clock starts (process up, partitions assigned).
WARMUP = 200


def timed_stage(
    args: list[str],
    env: dict[str, str],
    log: Path,
    bootstrap: str,
    source: tuple[str, list[tuple[bytes, bytes]]],
    outputs: list[str],
) -> tuple[float, float]:
    """Events/s of a consumer process: from producing the load to its last output.

    The first :data:`WARMUP` records are produced and handled before the clock
    starts, so start-up and the first rebalance are not part of the figure.
    Returns events/s and the process's peak RSS (MiB).
    """
    topic, records = source
    warmup, load = records[:WARMUP], records[WARMUP:]
    keys = {k for k, _ in load}

    async def run() -> tuple[float, float]:
        proc = procs.spawn(args, env, log)
        try:
            watcher = asyncio.create_task(
                _watch_new(bootstrap, outputs, until=len(warmup), keys={k for k, _ in warmup})
            )
            await asyncio.sleep(1.0)  # positioned at the end of the outputs before they appear
            await preload(bootstrap, topic, warmup)
            await asyncio.wait_for(watcher, timeout=120)
            seen = Arrivals()
            watcher = asyncio.create_task(
                _watch_new(bootstrap, outputs, until=len(load), seen=seen, keys=keys)
            )
            await asyncio.sleep(1.0)
            started = time.time()
            await preload(bootstrap, topic, load)
            await asyncio.wait_for(watcher, timeout=240)
            if seen.last_s is None or seen.count < len(load):
                raise RuntimeError(f"{args[0]}: {seen.count} of {len(load)} outputs (see {log})")
            return len(load) / (seen.last_s - started), procs.peak_rss_mb(proc.pid)
        finally:
            await asyncio.to_thread(procs.stop, proc)

    return asyncio.run(run())


def guard(sizes: Sizes, workdir: Path, rss: dict[str, float]) -> Section:
    section = Section("guard")
    n = sizes.guard_events
    outputs = [topics.GUARDED.name, topics.BLOCKED.name]

    def run(args: list[str], name: str, out: list[str]) -> tuple[float, float]:
        """One consumer on a fresh stack, so the topic holds only its own records."""
        with local_stack(workdir / name) as stack:
            bs = stack.kafka_bootstrap
            asyncio.run(ensure_topics(KafkaSettings(kafka_bootstrap=bs), {COPY_TOPIC: 12}))
            records = raw_records(uuid.uuid4().hex[:8], WARMUP + n)
            full = [a.replace("{bootstrap}", bs) for a in args]
            env = {**stack.env(), **QUIET}
            log = workdir / f"{name}.log"
            return timed_stage(full, env, log, bs, (topics.RAW.name, records), out)

    raw_args = ["bench.rawloop", "--bootstrap", "{bootstrap}", "--source", topics.RAW.name]
    raw_args += ["--target", COPY_TOPIC]
    raw_before, _ = run(raw_args, "raw1", [COPY_TOPIC])
    stage, rss["guard"] = run(["services.guard"], "guard", outputs)
    null, _ = run(["bench.nullstage"], "nullstage", [topics.GUARDED.name])
    floor, _ = run(["bench.faustfloor", "--target", COPY_TOPIC], "faustfloor", [COPY_TOPIC])
    direct, _ = run(["bench.directstage"], "directstage", outputs)
    raw_after, _ = run(raw_args, "raw2", [COPY_TOPIC])
    baseline = max(raw_before, raw_after)
    section.details = {
        "events": n,
        "raw_loop_eps": [raw_before, raw_after],
        "guard_eps": stage,
        "null_stage_eps": null,
        "faust_floor_eps": floor,
        "guard_getmany_eps": direct,
    }
    section.figures = [
        Figure(
            "events/s vs raw aiokafka loop",
            ratio(stage, baseline),
            "x",
            0.25,
            note="baseline: the faster of two raw-loop runs (before and after)",
        ),
        Figure("guard events/s", stage, "events/s"),
        Figure(
            "stage runner, no-op guard, vs raw loop",
            ratio(null, baseline),
            "x",
            note="same stage runner and codec without the rules engine",
        ),
        Figure(
            "faust consume->produce floor, no handler, vs raw loop",
            ratio(floor, baseline),
            "x",
            note="bench.faustfloor: faust's noack_take batches copied unchanged through the "
            "stages' faust producer (acks, then acks to faust): what the raw loop does, on "
            "faust; the ceiling of any faust stage",
        ),
        Figure(
            "guard handler on an aiokafka getmany loop vs raw loop",
            ratio(direct, baseline),
            "x",
            note="bench.directstage: the guard's stage (engine, vault, handler, per-event path "
            "of libs.stage) on the guard's consumer group via aiokafka getmany, publish then "
            "commit, no faust: the proposed stage consumer",
        ),
        Figure("raw aiokafka loop events/s", baseline, "events/s"),
    ]
    return section


# --- 3. agent stage ----------------------------------------------------------------------


def agent(sizes: Sizes, workdir: Path, rss: dict[str, float]) -> Section:
    # The fake Messages API lives with the test support code; the bench shares it.
    from tests.support.fake_anthropic import FakeAnthropic

    section = Section("agent")
    ideal = sizes.agent_concurrency / sizes.agent_latency_s
    n = max(sizes.agent_concurrency * 4, int(ideal * sizes.agent_seconds))
    with local_stack(workdir / "stack") as stack, FakeAnthropic(sizes.agent_latency_s) as llm:
        env = {
            **stack.env(),
            **QUIET,
            "TRIAGE_STAGE_CONCURRENCY": str(sizes.agent_concurrency),
            "TRIAGE_AGENT_TRIAGER": "claude",
            "TRIAGE_AGENT_CLAUDE_BASE_URL": llm.url,
            "TRIAGE_ANTHROPIC_API_KEY": "bench-fake-key",
            # The shared budget must not be what limits the measurement.
            "TRIAGE_AGENT_CLAUDE_REQUESTS_PER_MINUTE": "1000000",
            "TRIAGE_AGENT_CLAUDE_TOKENS_PER_MINUTE": "1000000000",
        }
        records = guarded_records(uuid.uuid4().hex[:8], WARMUP + n)
        eps, rss["agent"] = timed_stage(
            ["services.agent"],
            env,
            workdir / "agent.log",
            stack.kafka_bootstrap,
            (topics.GUARDED.name, records),
            [topics.TRIAGED.name],
        )
        max_in_flight = llm.max_in_flight
    section.details = {
        "events": n,
        "eps": eps,
        "ideal_eps": ideal,
        "llm_max_in_flight": max_in_flight,
    }
    section.figures = [
        Figure(
            "events/s vs C/L",
            ratio(eps, ideal),
            "x",
            0.9,
            note=f"C={sizes.agent_concurrency}, L={sizes.agent_latency_s}s: the Claude triager "
            "(real SDK client) against the fake Messages API answering after L",
        ),
        Figure("agent events/s", eps, "events/s"),
    ]
    return section


# --- 4. end to end and 5. memory ---------------------------------------------------------


#: The topics a ticket passes, in order, to break the end-to-end latency into hops.
HOPS = (topics.RAW.name, topics.GUARDED.name, topics.TRIAGED.name)
OUTCOMES = (topics.EXECUTED.name, topics.PENDING.name)


def _outcomes(seen: Arrivals) -> dict[bytes, float]:
    """Each ticket's first executed or pending action."""
    outcome: dict[bytes, float] = {}
    for name in OUTCOMES:
        for key, at in seen.by_topic.get(name, {}).items():
            outcome[key] = min(at, outcome.get(key, at))
    return outcome


def _latencies(answers: Path, seen: Arrivals) -> tuple[list[float], int, dict[str, float]]:
    """Answer -> first outcome latencies (s), accepted count, and each hop's p50 (ms)."""
    outcome = _outcomes(seen)
    stations = [*(seen.by_topic.get(name, {}) for name in HOPS), outcome]
    labels = ["ingest answer", *HOPS, "action"]
    hops: dict[str, list[float]] = {
        f"{a} -> {b}": [] for a, b in zip(labels, labels[1:], strict=False)
    }
    lats = []
    accepted = 0
    for line in answers.read_text().splitlines():
        responded, ticket_id = json.loads(line)
        accepted += 1
        key = ticket_id.encode()
        if key not in outcome:
            continue
        lats.append(max(0.0, outcome[key] - responded))
        times = [responded, *(station.get(key) for station in stations)]
        for name, start, end in zip(hops, times, times[1:], strict=False):
            if start is not None and end is not None:
                hops[name].append(end - start)
    return lats, accepted, {k: percentile(v, 50) * 1000 for k, v in hops.items()}


async def _drive(
    bs: str, port: int, rate: int, duration_s: float, answers: Path, *, wait_all_s: float = 0.0
) -> tuple[dict[str, float], Arrivals]:
    """Post at ``rate`` for ``duration_s`` and collect arrivals until they stop coming.

    With ``wait_all_s``, wait up to that long for every answered ticket's outcome
    instead (the warm-up: workers may still be starting).
    """
    seen = Arrivals()
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch_new(bs, [*HOPS, *OUTCOMES], stop=stop, seen=seen))
    await asyncio.sleep(1.0)
    gen = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "bench.loadgen", "--port", str(port), "--mode", "open"],
        *["--rate", str(rate), "--duration", str(duration_s)],
        *["--count", str(int(rate * duration_s)), "--answers", str(answers)],
        stdout=asyncio.subprocess.PIPE,
        cwd=procs.ROOT,
    )
    out, _ = await gen.communicate()
    if wait_all_s:
        lines = (await asyncio.to_thread(answers.read_text)).splitlines()
        wanted = {json.loads(line)[1].encode() for line in lines}
        deadline = time.monotonic() + wait_all_s
        # Polls what the watcher task records; nothing signals "all arrived" by itself.
        while time.monotonic() < deadline and not wanted <= _outcomes(seen).keys():  # noqa: ASYNC110
            await asyncio.sleep(0.5)
    last = -1
    for _ in range(10):  # let in-flight outcomes arrive: until 3 s pass without a new one
        await asyncio.sleep(3.0)
        if seen.count == last:
            break
        last = seen.count
    stop.set()
    await watcher
    return dict(json.loads(out)), seen


#: Above this p99 the pipeline is queueing, not flowing: the rate is not sustained.
STEADY_P99_S = 1.0


def _steady(lats: list[float], summary: dict[str, float], rate: int) -> bool:
    """Kept up: ingest took the rate, and no backlog built (latency flat and sub-second)."""
    if not lats or summary["accepted_rps"] < 0.9 * rate:
        return False
    third = max(1, len(lats) // 3)
    head, tail = lats[:third], lats[-third:]
    flat = percentile(tail, 50) <= 2 * percentile(head, 50) + 0.05
    return flat and percentile(lats, 99) <= STEADY_P99_S


def e2e(sizes: Sizes, workdir: Path, rss: dict[str, float]) -> Section:
    section = Section("e2e")
    with local_stack(workdir / "stack") as stack:
        endpoints = Endpoints()
        pipeline = Pipeline(stack.env(), workdir / "logs", endpoints)
        pipeline.start({**QUIET, **NO_LIMITS})
        try:
            # Warm-up: every worker has joined its group and handled a ticket before the clock.
            asyncio.run(
                _drive(
                    stack.kafka_bootstrap,
                    endpoints.ingest_port,
                    10,
                    3.0,
                    workdir / "warm",
                    wait_all_s=120.0,
                )
            )
            tries: list[dict[str, Any]] = []
            chosen: dict[str, Any] | None = None
            pids = {**{n: p.pid for n, p in pipeline.procs.items()}, **stack.pids}
            idle = _idle_cores(pids, IDLE_SAMPLE_S)
            cpu_before = _cpu(pids)
            t0 = time.monotonic()
            for rate in sizes.e2e_rates:
                cpu_at_start = _cpu(pids)
                step_started = time.monotonic()
                answers = workdir / f"answers-{rate}.jsonl"
                summary, seen = asyncio.run(
                    _drive(
                        stack.kafka_bootstrap,
                        endpoints.ingest_port,
                        rate,
                        sizes.e2e_duration_s,
                        answers,
                    )
                )
                lats, accepted, hops = _latencies(answers, seen)
                step_s = time.monotonic() - step_started
                # What the tickets cost: the step's CPU minus what the process burns idle.
                cpu_ms = {
                    n: max(0.0, used - cpu_at_start[n] - idle[n] * step_s) * 1000 / max(1, accepted)
                    for n, used in _cpu(pids).items()
                }
                steady = _steady(lats, summary, rate)
                tries.append(
                    {
                        "rate": rate,
                        "accepted": accepted,
                        "with_outcome": len(lats),
                        "steady": steady,
                        "p50_ms": percentile(lats, 50) * 1000,
                        "p99_ms": percentile(lats, 99) * 1000,
                        "hop_p50_ms": hops,
                        "cpu_ms_per_ticket": cpu_ms,
                        "ingest": summary,
                    }
                )
                if not steady:
                    break  # a backlog now would spoil every higher rate
                chosen = tries[-1]
            wall = time.monotonic() - t0
            cpu_share = {n: (used - cpu_before[n]) / wall for n, used in _cpu(pids).items()}
            for name, proc in pipeline.procs.items():
                rss[name] = procs.peak_rss_mb(proc.pid)
        finally:
            pipeline.stop()
    section.details = {"tries": tries, "cpu_share_during_tries": cpu_share, "idle_cores": idle}
    if chosen is None:
        section.error = "not even the lowest rate was sustained; see details.tries"
        chosen = tries[0]
    note = (
        f"at {chosen['rate']} tickets/s, the highest sustained rate "
        f"(tried {[t['rate'] for t in tries]}, rising, until one was not sustained); "
        f"{chosen['with_outcome']} of {chosen['accepted']} "
        "tickets with an executed/pending action; local triager (no LLM time); p50 per hop (ms): "
        + ", ".join(f"{hop} {ms:.0f}" for hop, ms in chosen.get("hop_p50_ms", {}).items())
    )
    # The sink stands in for the external tools and chat APIs: not part of the pipeline.
    per_ticket = {n: ms for n, ms in chosen["cpu_ms_per_ticket"].items() if n != "sink"}
    total_ms = sum(per_ticket.values())
    idle_total = sum(cores for n, cores in idle.items() if n != "sink")
    section.figures = [
        Figure("p99 ingest answer -> action", chosen["p99_ms"], "ms", 100, "<=", note),
        Figure("p50 ingest answer -> action", chosen["p50_ms"], "ms"),
        Figure("sustained rate", chosen["rate"], "tickets/s", 500),
        Figure(
            "CPU per ticket, all processes",
            total_ms,
            "ms",
            note="user+system CPU of every pipeline process, the broker and Redis (not the "
            "sink standing in for external tools) over the step, minus their idle CPU, per "
            "accepted ticket: "
            + ", ".join(f"{n} {ms:.2f}" for n, ms in sorted(per_ticket.items())),
        ),
        Figure(
            "idle CPU, all processes",
            idle_total,
            "cores",
            note="polling and timers with no tickets, over "
            f"{IDLE_SAMPLE_S:.0f} s before the steps: "
            + ", ".join(f"{n} {c:.3f}" for n, c in sorted(idle.items()) if n != "sink"),
        ),
        Figure(
            "cores busy at 500 tickets/s",
            idle_total + total_ms * 500 / 1000,
            "cores",
            note=f"idle CPU + CPU per ticket x 500/s; this machine has {os.cpu_count()}",
        ),
    ]
    return section


#: How long the e2e section watches the idle pipeline to learn its CPU floor.
IDLE_SAMPLE_S = 5.0


def _idle_cores(pids: dict[str, int], seconds: float) -> dict[str, float]:
    """Each process's CPU use with no tickets flowing, in cores."""
    before = _cpu(pids)
    started = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    return {n: (used - before[n]) / elapsed for n, used in _cpu(pids).items()}


def _cpu(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process."""
    return {name: procs.cpu_seconds(pid) for name, pid in pids.items()}


def memory(rss: dict[str, float]) -> Section:
    return Section(
        "memory",
        figures=[Figure(f"peak RSS {name}", mb, "MiB") for name, mb in sorted(rss.items())],
    )
