"""triage: the operator's command line (DLQ inspection and redrive, topic replay).

Connection settings come from the environment like every service's
(TRIAGE_KAFKA_BOOTSTRAP, TRIAGE_REDIS_URL, ...). Exit code 2 means the
request itself was wrong (unknown topic, offset out of range).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from libs import dlq_tools
from libs.redis_client import redis_client
from libs.settings import KafkaSettings, RedisSettings

T = TypeVar("T")

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
dlq = typer.Typer(no_args_is_help=True, help="Inspect and redrive dead letters.")
app.add_typer(dlq, name="dlq")
console = Console()


class CliSettings(KafkaSettings, RedisSettings):
    """Broker and Redis of the pipeline the operator works on."""


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except dlq_tools.ToolError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


def _time(value: str) -> datetime:
    """ISO 8601; a trailing Z means UTC."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO 8601 time: {value!r}") from exc


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


@dlq.command("list")
def dlq_list(
    topic: Annotated[str | None, typer.Option(help="one DLQ (or its source topic)")] = None,
    recent: Annotated[int, typer.Option(help="newest records shown per DLQ")] = 5,
) -> None:
    """Record count of every DLQ and its newest records."""
    summaries = _run(dlq_tools.list_dlqs(CliSettings(), topic, recent))
    counts = Table("dlq", "records", show_edge=False)
    for s in summaries:
        counts.add_row(s.topic, str(s.count))
    console.print(counts)
    for s in summaries:
        if not s.recent:
            continue
        table = Table("offset", "failed at", "stage", "source", "error", title=s.topic)
        for item in s.recent:
            letter = item.letter
            if letter is None:
                table.add_row(str(item.offset), _when(item.timestamp_ms), "?", "?", "unreadable")
                continue
            table.add_row(
                f"{item.partition}:{item.offset}",
                letter.failed_at.isoformat(timespec="seconds"),
                letter.stage,
                f"{letter.topic}[{letter.partition}]@{letter.offset}",
                f"{letter.error_type}: {letter.error[:80]}",
            )
        console.print(table)


@dlq.command("show")
def dlq_show(
    topic: Annotated[str, typer.Argument(help="the DLQ (or its source topic)")],
    offset: Annotated[int, typer.Argument(help="offset of the record in the DLQ")],
    partition: Annotated[int, typer.Option(help="DLQ partition")] = 0,
) -> None:
    """One dead letter in full, as JSON."""
    (item,) = _run(dlq_tools.read_letters(CliSettings(), topic, [offset], partition))
    if item.letter is None:
        console.print(item.raw.decode("utf-8", errors="backslashreplace"))
        return
    typer.echo(json.dumps(item.letter.model_dump(mode="json", by_alias=True), indent=2))


@dlq.command("redrive")
def dlq_redrive(
    topic: Annotated[str, typer.Argument(help="the DLQ (or its source topic)")],
    offset: Annotated[list[int] | None, typer.Option(help="DLQ offset (repeatable)")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every record of the DLQ")] = False,
    partition: Annotated[int, typer.Option(help="DLQ partition of --offset")] = 0,
    dry_run: Annotated[bool, typer.Option(help="show what would be redriven")] = False,
) -> None:
    """Re-publish dead letters to their original topic, once per dead letter."""
    if bool(offset) == all_:
        raise typer.BadParameter("give --offset (one or more) or --all")
    settings = CliSettings()

    async def go() -> dlq_tools.RedriveReport:
        letters = await dlq_tools.read_letters(settings, topic, None if all_ else offset, partition)
        redis = redis_client(settings)
        try:
            return await dlq_tools.redrive(settings, redis, letters, dry_run=dry_run)
        finally:
            await redis.aclose()

    report = _run(go())
    if dry_run:
        console.print(f"would redrive {len(report.planned)}: {[str(i) for i in report.planned]}")
    else:
        console.print(f"redriven {len(report.redriven)}, already redriven {len(report.already)}")
    if report.unreadable:
        console.print(f"[yellow]unreadable DLQ records skipped at offsets[/] {report.unreadable}")


@app.command("replay")
def replay_cmd(
    topic: Annotated[str, typer.Option(help="topic to read")],
    from_: Annotated[str, typer.Option("--from", help="start time, ISO 8601 with zone")],
    to: Annotated[str | None, typer.Option(help="end time (exclusive); default: now")] = None,
    to_topic: Annotated[str | None, typer.Option(help="topic to write; default: --topic")] = None,
    dry_run: Annotated[bool, typer.Option(help="count what would be copied")] = False,
) -> None:
    """Re-feed the records of a time range into the stage consuming the topic (backfills)."""
    report = _run(
        dlq_tools.replay(
            CliSettings(),
            topic,
            _time(from_),
            _time(to) if to else None,
            to_topic=to_topic,
            dry_run=dry_run,
        )
    )
    verb = "would copy" if dry_run else "copied"
    console.print(f"{verb} {report.copied} records {report.topic} -> {report.to_topic}")
    for part, (first, end) in sorted(report.ranges.items()):
        console.print(f"  partition {part}: offsets {first}..{end - 1}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
