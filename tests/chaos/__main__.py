"""``python -m tests.chaos``: the full chaos run; prints the report and writes it to bench/results/.

Exit code 1 when a delivery check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.chaos.run import ROOT_RESULTS, ChaosConfig, ChaosRun, report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=8, help="SIGKILLs of random services")
    parser.add_argument("--stall", type=float, default=15.0, help="seconds the agent is stopped")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-redis-persistence",
        action="store_true",
        help="memory-only valkey: show what a Redis restart loses",
    )
    parser.add_argument("--out", type=Path, default=ROOT_RESULTS, help="report directory")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="triage-chaos-"))
    config = ChaosConfig(
        workdir=workdir,
        tickets=args.tickets,
        kills=args.kills,
        stall_s=args.stall,
        seed=args.seed,
        persistent_redis=not args.no_redis_persistence,
    )
    print(f"chaos run: {args.tickets} tickets, {args.kills} kills; logs in {workdir}/logs")
    result = asyncio.run(ChaosRun(config).run())
    text = report(result)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"chaos-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    path.write_text(text)
    print(f"report written to {path}")
    return 0 if result.verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
