"""``python -m libs.devstack up|down|status|sink|run``: the local stack and the demo run."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from libs.devstack import stack as devstack
from libs.devstack.client import SAMPLES, load_samples, signed_post
from libs.devstack.pipeline import Endpoints, Pipeline
from libs.devstack.sink import create_sink
from libs.devstack.watch import PipelineView, follow
from libs.http import serve
from libs.kafka import ensure_topics
from libs.settings import KafkaSettings, TenantSettings

cli = typer.Typer(add_completion=False, help=__doc__)
console = Console()


@cli.command()
def up() -> None:
    """Start Tansu and valkey on free loopback ports and create the topics."""
    existing = devstack.LocalStack.load()
    if existing and all(existing.alive().values()):
        console.print(f"already running: {existing.env()}")
        return
    local = devstack.start()
    for key, value in local.env().items():
        console.print(f"export {key}={value}")


@cli.command()
def down() -> None:
    """Stop the local stack."""
    local = devstack.LocalStack.load()
    if local is None:
        console.print("not running")
        return
    local.stop()
    console.print("stopped")


@cli.command()
def status() -> None:
    """Show whether the local stack runs and where."""
    local = devstack.LocalStack.load()
    if local is None:
        console.print("not running")
        raise typer.Exit(1)
    console.print({"env": local.env(), "alive": local.alive()})


@cli.command()
def sink(port: int = 8090) -> None:
    """Run the local HTTP recorder standing in for tools, webhooks and callbacks."""
    log = devstack.STATE_DIR / "sink.jsonl"
    log.parent.mkdir(exist_ok=True)
    serve(create_sink(log), "127.0.0.1", port)


def _stack() -> tuple[dict[str, str], devstack.LocalStack | None]:
    """A real stack named by the environment, else a fresh embedded one."""
    bootstrap = os.environ.get("TRIAGE_KAFKA_BOOTSTRAP")
    redis_url = os.environ.get("TRIAGE_REDIS_URL")
    if bootstrap and redis_url:
        asyncio.run(ensure_topics(KafkaSettings()))
        return {"TRIAGE_KAFKA_BOOTSTRAP": bootstrap, "TRIAGE_REDIS_URL": redis_url}, None
    local = devstack.start(devstack.STATE_DIR / f"run-{os.getpid()}")
    return local.env(), local


def _post_samples(endpoints: Endpoints, samples: Path) -> list[str]:
    tenants = TenantSettings()
    lines = []
    with httpx.Client(timeout=10) as client:
        for item in load_samples(samples):
            item.setdefault("callback_url", f"{endpoints.sink_url}/callbacks/{item['tenant']}")
            secret = tenants.secrets_for(item["tenant"])[0]
            resp = signed_post(client, f"{endpoints.ingest_url}/v1/tickets", item, secret)
            lines.append(f"{item['message_id']}: {resp.status_code} {resp.json()}")
    return lines


def _render(view: PipelineView, endpoints: Endpoints, elapsed: float) -> Group:
    counts = Table(title="events per topic", show_edge=False)
    counts.add_column("topic")
    counts.add_column("events", justify="right")
    for name in sorted(view.counts):
        counts.add_row(name, str(view.counts[name]))
    tickets = Table(title="tickets", show_edge=False)
    for col in ("message", "category", "actions"):
        tickets.add_column(col)
    for t in sorted(view.tickets.values(), key=lambda t: t.message_id):
        tickets.add_row(t.message_id, t.category or "…", t.summary)
    help_text = (
        f"[bold]approval inbox[/] {endpoints.approval_api_url}/inbox  (token: demo-token)   "
        f"[bold]API[/] {endpoints.approval_api_url}/v1/pending\n"
        f"[bold]chat messages[/] {endpoints.sink_url}/records?path_prefix=/slack/  "
        "(and /telegram/, /webhook)\n"
        f"[bold]ingest[/] {endpoints.ingest_url}/v1/tickets   "
        f"[bold]sink[/] {endpoints.sink_url}/records   "
        f"[bold]logs[/] {devstack.STATE_DIR}/logs/   {elapsed:.1f}s   Ctrl-C stops everything"
    )
    return Group(counts, tickets, help_text)


async def _watch(bootstrap: str, endpoints: Endpoints, until_settled: bool, t0: float) -> None:
    view = PipelineView()
    stop = asyncio.Event()
    follower = asyncio.create_task(follow(bootstrap, view, stop))
    first_executed: float | None = None
    with Live(_render(view, endpoints, 0), console=console, refresh_per_second=2) as live:
        while not follower.done():
            await asyncio.sleep(0.5)
            live.update(_render(view, endpoints, time.monotonic() - t0))
            if first_executed is None and view.counts.get("actions.executed.v1"):
                first_executed = time.monotonic() - t0
            settled = view.tickets and all(t.settled for t in view.tickets.values())
            if until_settled and settled:
                break
    stop.set()
    await follower
    if first_executed is not None:
        console.print(f"\nfirst executed action {first_executed:.1f}s after start")


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@cli.command()
def run(
    samples: Annotated[Path, typer.Option(help="JSONL of tickets to post")] = SAMPLES,
    until_settled: Annotated[
        bool, typer.Option(help="exit once every sample ticket is settled")
    ] = False,
) -> None:
    """Start the stack and the five services, post sample tickets, show what happens."""
    t0 = time.monotonic()
    # SIGTERM (a supervisor, `timeout`) stops everything as cleanly as Ctrl-C does
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    stack_env, local = _stack()
    endpoints = Endpoints()
    pipeline = Pipeline(stack_env, devstack.STATE_DIR / "logs", endpoints)
    try:
        console.print("starting services …")
        pipeline.start()
        for line in _post_samples(endpoints, samples):
            console.print(line)
        asyncio.run(_watch(stack_env["TRIAGE_KAFKA_BOOTSTRAP"], endpoints, until_settled, t0))
    except KeyboardInterrupt:
        console.print("\nstopping …")
    finally:
        codes = pipeline.stop()
        if local is not None:
            local.stop()
        console.print(f"stopped: {codes}")


if __name__ == "__main__":
    cli()
