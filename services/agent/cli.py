"""``python -m services.agent classify``: triage messages from the command line.

Runs the same triage and output guard as the stage, on a synthetic ticket (the
input guard does not run here: do not paste real player PII).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from schemas import derive_event_id, ticket_id_for, utcnow
from schemas.tickets import GuardedTicket, TriagedTicket
from services.agent.handler import triage_ticket
from services.agent.output_guard import OutputPolicy
from services.agent.settings import AgentSettings
from services.agent.triager import Triager, build_triager

CLI_TENANT = "cli"


class InputError(Exception):
    """A JSONL line is not an object with string ``id`` and ``text``."""


def cli_ticket(message_id: str, text: str, locale: str | None, producer: str) -> GuardedTicket:
    """A guarded ticket for a message typed at the CLI; same id in, same ids out."""
    ticket_id = ticket_id_for(CLI_TENANT, message_id)
    return GuardedTicket(
        **GuardedTicket.envelope(
            event_id=derive_event_id(ticket_id, "cli"),
            ticket_id=ticket_id,
            tenant=CLI_TENANT,
            producer=producer,
        ),
        message_id=message_id,
        player_ref=CLI_TENANT,
        text=text,
        locale=locale,
        received_at=utcnow(),
        verdict="pass",
    )


def as_json(message_id: str, triaged: TriagedTicket) -> dict[str, Any]:
    return {
        "id": message_id,
        **triaged.triage.model_dump(mode="json"),
        "source": triaged.source,
        "model": triaged.model,
        "review_reasons": triaged.review_reasons,
        "usage": triaged.usage.model_dump(mode="json") if triaged.usage else None,
    }


def read_jsonl(handle: TextIO) -> Iterator[tuple[str, str, str | None]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}: not JSON ({exc.msg})") from exc
        if not (
            isinstance(item, dict)
            and isinstance(item.get("id"), str | int)
            and isinstance(item.get("text"), str)
        ):
            raise InputError(f"line {number}: needs string 'id' and 'text'")
        locale = item.get("locale")
        yield str(item["id"]), item["text"], locale if isinstance(locale, str) else None


async def _classify(
    items: Sequence[tuple[str, str, str | None]],
    triager: Triager,
    settings: AgentSettings,
    out: TextIO,
    indent: int | None,
) -> None:
    policy = OutputPolicy.from_settings(settings)
    for message_id, text, locale in items:
        ticket = cli_ticket(message_id, text, locale, settings.producer_id)
        triaged, _ = await triage_ticket(ticket, triager, policy, settings.producer_id)
        out.write(json.dumps(as_json(message_id, triaged), ensure_ascii=False, indent=indent))
        out.write("\n")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m services.agent")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("worker", help="run the stream worker (the default)")
    classify = commands.add_parser("classify", help="print the triage of messages as JSON")
    source = classify.add_mutually_exclusive_group(required=True)
    source.add_argument("text", nargs="?", help="one message")
    source.add_argument(
        "--jsonl", type=Path, help="file of {id, text[, locale]} lines ('-' for stdin)"
    )
    classify.add_argument("--locale", help="the player's locale, e.g. de-DE")
    classify.add_argument("--local", action="store_true", help="force the local model")
    return root


def classify(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    settings = AgentSettings()
    if args.local:
        settings = settings.model_copy(update={"agent_triager": "local"})
    if args.jsonl is None:
        message_id = "text-" + hashlib.sha256(args.text.encode()).hexdigest()[:12]
        items = [(message_id, args.text, args.locale)]
    else:
        try:
            if str(args.jsonl) == "-":
                items = list(read_jsonl(sys.stdin))
            else:
                with args.jsonl.open(encoding="utf-8") as handle:
                    items = list(read_jsonl(handle))
        except (OSError, InputError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    indent = 2 if args.jsonl is None else None
    triager = build_triager(settings, shared_budget=False)
    asyncio.run(_classify(items, triager, settings, out, indent))
    return 0
