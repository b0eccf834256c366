"""``python -m bench [--quick] [--only NAME ...]``: run the measurements, write the results.

Writes ``bench/results/<date>.json`` and ``bench/results/<date>.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import report, sections
from bench.report import Section

logger = logging.getLogger("bench")
RESULTS = Path(__file__).with_name("results")
Measure = Callable[[sections.Sizes, Path, dict[str, float]], Section]
MEASUREMENTS: dict[str, Measure] = {
    "ingest": sections.ingest,
    "guard": sections.guard,
    "agent": sections.agent,
    "e2e": sections.e2e,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS), default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s bench %(message)s")
    sizes = sections.Sizes.quick() if args.quick else sections.Sizes()
    started = datetime.now(UTC)
    t0 = time.monotonic()
    host = report.machine()
    workroot = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    rss: dict[str, float] = {}
    results: list[Section] = []
    for name in args.only or list(MEASUREMENTS):
        logger.info("%s ...", name)
        try:
            section = MEASUREMENTS[name](sizes, workroot / name, rss)
        except Exception as exc:
            logger.exception("%s failed (logs in %s)", name, workroot / name)
            section = Section(name, error=f"{type(exc).__name__}: {exc}")
        results.append(section)
        for figure in section.figures:
            logger.info("  %s: %.4g %s", figure.name, figure.value, figure.unit)
    results.append(sections.memory(rss))
    data = report.to_json(
        started.isoformat(timespec="seconds"), time.monotonic() - t0, host, results
    )
    data["quick"] = args.quick
    data["logs"] = str(workroot)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = started.strftime("%Y-%m-%d") + ("-quick" if args.quick else "")
    (args.out / f"{stem}.json").write_text(json.dumps(data, indent=2) + "\n")
    (args.out / f"{stem}.md").write_text(report.to_markdown(data))
    print(report.to_markdown(data))
    logger.info("wrote %s.{json,md}; logs in %s", args.out / stem, workroot)


if __name__ == "__main__":
    main()
