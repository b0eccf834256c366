"""Command line: run the worker (default) or check texts offline.

``python -m services.guard``            run the faust worker (also: ``worker``)
``python -m services.guard check TEXT`` print the verdict on TEXT as JSON
``python -m services.guard check --jsonl FILE``
                                        one JSON verdict per ``{"id", "text"}`` line
                                        (``-`` reads stdin)

The check path never imports faust, and the worker path clears the arguments
before faust is imported, because faust reads ``--datadir``/``--loop``/``-L``
from ``sys.argv`` at import time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from services.guard.engine import GuardEngine
from services.guard.rules import RulesError
from services.guard.settings import GuardSettings

EXIT_BAD_LINES = 1
EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.guard", description="Input guard for Triage Stream."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("worker", help="run the faust worker (the default)")
    check = commands.add_parser("check", help="print guard verdicts as JSON")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("text", nargs="?", help="the text to check")
    source.add_argument("--jsonl", metavar="FILE", help='JSON lines of {"id", "text"}; - = stdin')
    check.add_argument("--rules", type=Path, help="rules file (default: TRIAGE_GUARD_RULES_PATH)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in (None, "worker"):
            return run_worker()
        settings = GuardSettings()
        if args.rules is not None:
            settings = settings.model_copy(update={"guard_rules_path": args.rules})
        engine = GuardEngine.from_settings(settings)
    except (RulesError, ValidationError) as exc:
        print(f"guard: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if args.jsonl is None:
        print(engine.check(args.text).model_dump_json())
        return 0
    if args.jsonl == "-":
        return check_lines(engine, sys.stdin, sys.stdout)
    with open(args.jsonl, encoding="utf-8") as lines:
        return check_lines(engine, lines, sys.stdout)


def check_lines(engine: GuardEngine, lines: Iterable[str], out: TextIO) -> int:
    """One verdict per ``{"id", "text"}`` line; a bad line prints an error object instead."""
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record: dict[str, Any]
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object with a string "text"')
            record = {"id": item.get("id"), **engine.check(item["text"]).model_dump(mode="json")}
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            record = {"line": number, "error": str(exc)}
            status = EXIT_BAD_LINES
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return status


def run_worker() -> int:
    """Run the stage until SIGTERM; faust must not see this CLI's arguments."""
    del sys.argv[1:]
    from libs.worker import exit_quietly_until_started
    from libs.worker import run_worker as run

    exit_quietly_until_started()
    from services.guard.app import app, settings

    run(app, settings)
    return 0
