"""The chaos run: real processes on the local stack, tickets flowing, things breaking.

Three phases on one pipeline, then the verdict (:mod:`tests.chaos.checks`):

1. graceful: SIGTERM each stream service in turn while tickets flow, time its
   exit, restart it; afterwards no duplicate record may exist (a drained,
   committed stage resumes exactly where it stopped);
2. backpressure: SIGSTOP the agent (a stalled LLM) while ingest keeps taking
   tickets; measure ingest latency before/during and the lag that builds and
   drains;
3. chaos: SIGKILL random services several times and restart them, restart
   Redis once (SIGKILL), inject poison messages; then wait until every
   accepted ticket settles and judge.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import random
import signal
import socket
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from libs import topics
from libs.codec import encode
from libs.devstack import stack as devstack
from libs.devstack.client import load_samples
from libs.devstack.pipeline import Endpoints, Pipeline
from libs.kafka import ensure_topics
from libs.security import SIGNATURE_HEADER, sign
from libs.settings import KafkaSettings
from schemas import ActionOutcome
from tests.chaos.checks import Seen, Verdict, judge
from tests.support.stack import produce

logger = logging.getLogger(__name__)

ROOT_RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
TENANT = "starfall"
SECRET = "dev-secret-starfall"
STREAM_SERVICES = ("guard", "agent", "approval", "notifier")
KILLABLE = ("ingest", "guard", "agent", "approval", "approval-api", "notifier")


@dataclass
class ChaosConfig:
    workdir: Path
    tickets: int = 5000
    kills: int = 8
    batch: int = 50
    #: share of the tickets fed in the graceful and the backpressure phase each
    phase_share: float = 0.15
    stall_s: float = 15.0
    settle_timeout_s: float = 600.0
    persistent_redis: bool = True
    #: SIGKILL Redis once mid-run
    redis_restart: bool = True
    #: services the chaos phase may SIGKILL
    killable: tuple[str, ...] = KILLABLE
    seed: int = 7


@dataclass
class Shutdown:
    service: str
    exit_s: float
    code: int


@dataclass
class Backpressure:
    baseline_ms: list[float] = field(default_factory=list)
    stalled_ms: list[float] = field(default_factory=list)
    peak_lag: int = 0
    drain_s: float = 0.0
    stalled_accepted: int = 0


@dataclass
class ChaosResult:
    config: ChaosConfig
    verdict: Verdict
    shutdowns: list[Shutdown]
    graceful_duplicates: int
    backpressure: Backpressure
    kills: list[str]
    redis_restart_s: float
    poison: list[str]
    feed_s: float
    settle_s: float
    rejected: int


class Follower:
    """Reads every topic from the start, group-less, into memory."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.records: list[Seen] = []
        self.guarded: set[bytes] = set()
        self.triaged: set[bytes] = set()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def lag(self) -> int:
        """Tickets the guard passed that the agent has not triaged yet."""
        return len(self.guarded - self.triaged)

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None)
        await consumer.start()
        parts = [
            TopicPartition(name, p)
            for name, count in topics.all_topic_names().items()
            for p in range(count)
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        self._task = asyncio.create_task(self._run(consumer))

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        try:
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=200)
                for tp, recs in batch.items():
                    for r in recs:
                        if r.value is None:
                            continue
                        self.records.append(
                            Seen(tp.topic, tp.partition, r.offset, r.timestamp, r.key, r.value)
                        )
                        if tp.topic == topics.GUARDED.name and r.key:
                            self.guarded.add(r.key)
                        elif tp.topic == topics.TRIAGED.name and r.key:
                            self.triaged.add(r.key)
        finally:
            await consumer.stop()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


class Feeder:
    """Posts signed ticket batches to ingest, retrying through ingest/Kafka/Redis outages."""

    def __init__(self, url: str, run_id: str, texts: list[str], callback_url: str) -> None:
        self.url = url
        self.run_id = run_id
        self.texts = texts
        self.callback_url = callback_url
        self.accepted: dict[str, str] = {}
        self.rejected = 0
        self.next = 0
        self.probes = 0
        self.client = httpx.AsyncClient(timeout=15.0)

    def ticket(self, i: int, kind: str = "t") -> dict[str, Any]:
        return {
            "message_id": f"chaos-{self.run_id}-{kind}{i:06d}",
            "tenant": TENANT,
            "player_id": f"chaos-player-{i % 997}",
            "text": self.texts[i % len(self.texts)],
            "channel": "web",
            "callback_url": self.callback_url,
        }

    async def _post(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(SECRET, body)}
        return await self.client.post(f"{self.url}{path}", content=body, headers=headers)

    async def feed(self, count: int, batch: int, pause_s: float = 0.0) -> None:
        """Post the next ``count`` tickets until each one is accepted (or a duplicate)."""
        end = self.next + count
        while self.next < end:
            todo = [self.ticket(i) for i in range(self.next, min(end, self.next + batch))]
            while todo:
                try:
                    resp = await self._post("/v1/tickets:batch", {"tickets": todo})
                except httpx.HTTPError:
                    await asyncio.sleep(0.5)
                    continue
                if resp.status_code != 202:
                    await asyncio.sleep(0.5)
                    continue
                retry = []
                for item, result in zip(todo, resp.json()["results"], strict=True):
                    if result["status"] in ("accepted", "duplicate"):
                        self.accepted[result["ticket_id"]] = item["message_id"]
                    elif (result.get("error") or {}).get("code") == "in_flight":
                        retry.append(item)
                    else:
                        self.rejected += 1
                todo = retry
                if todo:
                    await asyncio.sleep(0.5)
            self.next += batch
            self.next = min(self.next, end)
            if pause_s:
                await asyncio.sleep(pause_s)

    async def probe(self, stop: asyncio.Event, out: list[float], every_s: float = 0.1) -> None:
        """Single-ticket POSTs at a steady pace, recording each answer's latency (ms)."""
        while not stop.is_set():
            item = self.ticket(self.probes, "probe")
            self.probes += 1
            started = time.perf_counter()
            try:
                resp = await self._post("/v1/tickets", item)
            except httpx.HTTPError:
                out.append(float("inf"))
                continue
            out.append((time.perf_counter() - started) * 1000)
            if resp.status_code == 202:
                self.accepted[resp.json()["ticket_id"]] = item["message_id"]
            await asyncio.sleep(every_s)


def poison_records(run_id: str, dead_port: int) -> list[tuple[str, bytes, bytes]]:
    """Undecodable, schema-invalid and failing-for-good messages, keyed ``poison-…``."""
    items: list[tuple[str, bytes, bytes]] = []
    for i in range(2):
        items.append((topics.RAW.name, f"poison-{run_id}-bytes-{i}".encode(), b"\xff\xfe\x00junk"))
        bad = json.dumps({"schema": "tickets.guarded/1", "ticket_id": f"x{i}"}).encode()
        items.append((topics.GUARDED.name, f"poison-{run_id}-schema-{i}".encode(), bad))
    # An outcome whose upstream callback can never be reached: retried, then dead-lettered.
    key = f"poison-{run_id}-callback"
    outcome = ActionOutcome.model_validate(
        {
            **ActionOutcome.envelope(
                event_id=uuid.uuid4(), ticket_id=key, tenant=TENANT, producer="chaos@test"
            ),
            "action_id": uuid.uuid4(),
            "tool": "send_reply",
            "args": {"text": "hi"},
            "status": "executed",
            "decided_by": "policy",
            "decision_channel": "policy",
            "decided_at": "2026-11-21T00:00:00Z",
            "message_id": key,
            "callback_url": f"http://127.0.0.1:{dead_port}/callbacks/{TENANT}",
        }
    )
    items.append((topics.EXECUTED.name, key.encode(), encode(outcome)))
    return items


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class ChaosRun:
    def __init__(self, config: ChaosConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.run_id = uuid.uuid4().hex[:8]

    def _restart_redis(self, local: devstack.LocalStack) -> float:
        """SIGKILL valkey and start it again on the same port and data directory."""
        started = time.perf_counter()
        os.kill(local.pids["valkey"], signal.SIGKILL)
        # The killed valkey is a zombie of an already dropped Popen: watch the port, not the pid.
        for _ in range(500):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", local.redis_port)) != 0:
                    break
            time.sleep(0.01)
        local.pids["valkey"] = devstack.start_redis(
            Path(local.workdir), local.redis_port, persistent=self.config.persistent_redis
        )
        return time.perf_counter() - started

    async def _graceful(self, pipeline: Pipeline, feeder: Feeder) -> list[Shutdown]:
        cfg = self.config
        feeding = asyncio.create_task(feeder.feed(int(cfg.tickets * cfg.phase_share), cfg.batch))
        shutdowns = []
        for name in STREAM_SERVICES:
            await asyncio.sleep(1.5)
            started = time.perf_counter()
            code = await asyncio.to_thread(pipeline.kill, name, signal.SIGTERM)
            shutdowns.append(Shutdown(name, time.perf_counter() - started, code))
            pipeline.restart(name)
        await feeding
        return shutdowns

    async def _backpressure(
        self, pipeline: Pipeline, feeder: Feeder, follower: Follower
    ) -> Backpressure:
        cfg = self.config
        bp = Backpressure()
        stop = asyncio.Event()
        probe = asyncio.create_task(feeder.probe(stop, bp.baseline_ms))
        await asyncio.sleep(3)
        stop.set()
        await probe
        agent = pipeline.procs["agent"]
        before = len(feeder.accepted)
        agent.send_signal(signal.SIGSTOP)
        stop = asyncio.Event()
        probe = asyncio.create_task(feeder.probe(stop, bp.stalled_ms))
        feeding = asyncio.create_task(
            feeder.feed(int(cfg.tickets * cfg.phase_share), cfg.batch, pause_s=0.05)
        )
        deadline = time.monotonic() + cfg.stall_s
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            bp.peak_lag = max(bp.peak_lag, follower.lag)
        stop.set()
        await probe
        agent.send_signal(signal.SIGCONT)
        await feeding
        bp.stalled_accepted = len(feeder.accepted) - before
        resumed = time.monotonic()
        for _ in range(int(cfg.settle_timeout_s * 2)):
            if not follower.lag:
                break
            await asyncio.sleep(0.5)
        bp.drain_s = time.monotonic() - resumed
        return bp

    async def _chaos(
        self, pipeline: Pipeline, feeder: Feeder, local: devstack.LocalStack
    ) -> tuple[list[str], float, list[str]]:
        cfg = self.config
        remaining = cfg.tickets - feeder.next
        poison = poison_records(self.run_id, devstack.free_port())
        await produce(local.kafka_bootstrap, poison)
        feeding = asyncio.create_task(feeder.feed(max(remaining, 0), cfg.batch))
        kills: list[str] = []
        redis_s = 0.0
        redis_at = cfg.kills // 2 if cfg.redis_restart else -1
        for n in range(cfg.kills):
            await asyncio.sleep(self.rng.uniform(1.0, 4.0))
            if n == redis_at:
                redis_s = await asyncio.to_thread(self._restart_redis, local)
                kills.append(f"valkey (down {redis_s * 1000:.0f} ms)")
            name = self.rng.choice(cfg.killable)
            await asyncio.to_thread(pipeline.kill, name, signal.SIGKILL)
            kills.append(name)
            await asyncio.sleep(self.rng.uniform(0.2, 2.0))
            pipeline.restart(name)
        await feeding
        return kills, redis_s, [k.decode() for _, k, _ in poison]

    async def _settle(
        self, follower: Follower, feeder: Feeder, sink_url: str, poison: list[str]
    ) -> tuple[Verdict, list[dict[str, Any]]]:
        deadline = time.monotonic() + self.config.settle_timeout_s
        while True:
            sink = (await feeder.client.get(f"{sink_url}/records")).json()
            verdict = judge(feeder.accepted, list(follower.records), sink, poison)
            pending = verdict.lost or verdict.missing_effects or verdict.missing_poison
            if not pending or time.monotonic() > deadline:
                return verdict, sink
            await asyncio.sleep(2)

    async def run(self) -> ChaosResult:
        cfg = self.config
        local = devstack.start(
            cfg.workdir / "stack", create_topics=False, persistent_redis=cfg.persistent_redis
        )
        await ensure_topics(KafkaSettings(kafka_bootstrap=local.kafka_bootstrap))
        endpoints = Endpoints()
        pipeline = Pipeline(local.env(), cfg.workdir / "logs", endpoints)
        try:
            pipeline.start(
                {
                    "TRIAGE_INGEST_RATE_PER_MINUTE": "1000000",
                    "TRIAGE_INGEST_RATE_BURST": "1000000",
                    "TRIAGE_LOG_LEVEL": "WARNING",
                    "TRIAGE_NOTIFY_RETRY_ATTEMPTS": "3",
                }
            )
            follower = Follower(local.kafka_bootstrap)
            await follower.start()
            texts = [s["text"] for s in load_samples()]
            feeder = Feeder(
                endpoints.ingest_url, self.run_id, texts, f"{endpoints.sink_url}/callbacks/{TENANT}"
            )
            t0 = time.monotonic()
            shutdowns = await self._graceful(pipeline, feeder)
            verdict, _ = await self._settle(follower, feeder, endpoints.sink_url, [])
            graceful_dups = sum(verdict.duplicate_records.values())
            bp = await self._backpressure(pipeline, feeder, follower)
            kills, redis_s, poison = await self._chaos(pipeline, feeder, local)
            feed_s = time.monotonic() - t0
            verdict, sink = await self._settle(follower, feeder, endpoints.sink_url, poison)
            settle_s = time.monotonic() - t0 - feed_s
            # Everything judged, for a look afterwards (tests.chaos.checks.judge on it again).
            observed = (feeder.accepted, follower.records, sink, poison)
            (cfg.workdir / "observed.pickle").write_bytes(pickle.dumps(observed))
            await follower.stop()
            await feeder.client.aclose()
            return ChaosResult(
                cfg,
                verdict,
                shutdowns,
                graceful_dups,
                bp,
                kills,
                redis_s,
                poison,
                feed_s,
                settle_s,
                feeder.rejected,
            )
        finally:
            pipeline.stop()
            local.stop()


def report(result: ChaosResult) -> str:
    """The markdown report (printed and written to ``bench/results/``)."""
    v, bp, cfg = result.verdict, result.backpressure, result.config
    lines = [
        f"# Chaos run ({'PASS' if v.ok else 'FAIL'})",
        "",
        f"- tickets accepted by ingest: **{v.accepted}** (rejected: {result.rejected}); "
        f"settled: **{v.settled}**; actions: {v.actions}; outcomes by status: "
        f"{dict(sorted(v.outcomes.items()))}",
        f"- fed in {result.feed_s:.0f} s, settled {result.settle_s:.0f} s later",
        f"- faults: {len(result.kills)} ({', '.join(result.kills)}); "
        f"Redis {'with AOF (appendfsync always)' if cfg.persistent_redis else 'memory-only'}, "
        f"{'restarted once' if cfg.redis_restart else 'not restarted'}",
        f"- side effects seen by the sink: {dict(sorted(v.effects.items()))}",
        "- repeated deliveries the receiver dropped by Idempotency-Key (a process killed after"
        f" the call, before its result was stored): {dict(sorted(v.replays.items())) or 'none'}",
        f"- duplicate records (same event id redelivered) per topic: "
        f"{dict(sorted(v.duplicate_records.items())) or 'none'}",
        "",
        "| check | result |",
        "|---|---|",
        f"| every accepted ticket reached exactly one outcome per action | "
        f"{_status(v.lost + v.double_outcome)} |",
        f"| no side effect ran twice (tool calls, webhooks, callbacks) | "
        f"{_status(v.double_effects + v.missing_effects)} |",
        f"| per-ticket order held | {_status(v.order_violations)} |",
        f"| DLQ holds exactly the {len(result.poison)} poisoned messages | "
        f"{_status(v.unexpected_dlq + v.missing_poison)} |",
        "",
        "## Graceful shutdown (SIGTERM while tickets flow)",
        "",
        "| service | time to exit | exit code |",
        "|---|---|---|",
        *(f"| {s.service} | {s.exit_s:.2f} s | {s.code} |" for s in result.shutdowns),
        "",
        f"Duplicate records after the restarts (resumed from committed offsets): "
        f"**{result.graceful_duplicates}**",
        "",
        f"## Backpressure (agent stalled with SIGSTOP for {cfg.stall_s:.0f} s)",
        "",
        "| ingest POST /v1/tickets | p50 | p99 | max | n |",
        "|---|---|---|---|---|",
        _latency_row("agent running", bp.baseline_ms),
        _latency_row("agent stalled", bp.stalled_ms),
        "",
        f"Tickets accepted while the agent was stalled: {bp.stalled_accepted}; "
        f"peak agent lag {bp.peak_lag} tickets; drained {bp.drain_s:.1f} s after SIGCONT.",
    ]
    problems = (
        v.lost
        + v.double_outcome
        + v.double_effects
        + v.missing_effects
        + v.order_violations
        + [f"unexpected DLQ record {k}" for k in v.unexpected_dlq]
        + [f"poison not in DLQ: {k}" for k in v.missing_poison]
    )
    if problems:
        lines += ["", "## Problems (first 20)", "", *(f"- {p}" for p in problems[:20])]
    return "\n".join(lines) + "\n"


def _status(problems: list[str]) -> str:
    return "ok" if not problems else f"**FAIL** ({len(problems)})"


def _latency_row(label: str, values: list[float]) -> str:
    ok = [v for v in values if v != float("inf")]
    errors = len(values) - len(ok)
    p50 = statistics.median(ok) if ok else float("nan")
    return (
        f"| {label} | {p50:.1f} ms | {_percentile(ok, 0.99):.1f} ms | "
        f"{max(ok, default=float('nan')):.1f} ms | {len(ok)}"
        + (f" ({errors} errors)" if errors else "")
        + " |"
    )
