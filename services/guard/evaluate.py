"""``make guard-eval``: the guard measured on its held-out red-team corpus.

Runs the engine (rules + scoring, as shipped) over the held-out splits of
``corpus.py``: ``test<HELD_OUT_ROUND>`` (the current unseen set, ``data/heldout/``,
written by independent red-teamers) and ``test`` (the generator's held-out half, looked
at in earlier tuning rounds), and reports for each, with 95% Wilson intervals:

- the detection rate (verdict ``flag`` or ``block``) per attack kind and overall;
- the false-positive rate (``flag`` or ``block``) on benign messages, per
  category and overall;
- throughput: messages per CPU-second of ``GuardEngine.check`` in this single
  process (one core), over the whole split, best of a few rounds.

Rules and classifier learn from the ``dev`` split only; ``--split dev`` shows what
to work on, with the misses. Results go to
``eval/results/guard-eval-v<HELD_OUT_ROUND>.{json,md}`` and ``guard-eval.{json,md}``
(test); earlier rounds' ``guard-eval-v*.*`` are the records of the previous held-out
sets (now training material), kept as they were measured.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.guard.corpus import (
    DATA_DIR,
    HELD_OUT,
    HELD_OUT_ROUND,
    HELD_OUT_SPLIT,
    SPLIT_PATTERNS,
    Sample,
    load_split,
    split_files,
)
from services.guard.engine import GuardEngine
from services.guard.settings import GuardSettings

RESULTS_DIR = Path("eval/results")
Z_95 = 1.959963984540054

#: The issue's targets.
TARGET_DETECTION = 0.95
TARGET_FALSE_POSITIVE = 0.02
TARGET_THROUGHPUT = 2000.0

#: Where each held-out split's results go (under ``eval/results/``).
RESULT_STEMS = {HELD_OUT_SPLIT: f"guard-eval-v{HELD_OUT_ROUND}", "test": "guard-eval"}


@dataclass(frozen=True)
class Rate:
    """``hits`` out of ``n`` with its 95% Wilson score interval."""

    hits: int
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.hits / self.n if self.n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "n": self.n,
            "rate": round(self.rate, 4),
            "ci95": [round(self.low, 4), round(self.high, 4)],
        }


def wilson(hits: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval: well-behaved at rates near 0 or 1, unlike the normal one."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def rate(hits: int, n: int) -> Rate:
    return Rate(hits, n, *wilson(hits, n))


@dataclass(frozen=True)
class Evaluation:
    detection: Rate
    false_positive: Rate
    detection_by_kind: dict[str, Rate]
    false_positive_by_kind: dict[str, Rate]
    missed: list[str]
    false_alarms: list[str]


def _rates(outcomes: Iterable[tuple[str, bool]]) -> dict[str, Rate]:
    tally: dict[str, list[int]] = {}
    for kind, hit in outcomes:
        counts = tally.setdefault(kind, [0, 0])
        counts[0] += hit
        counts[1] += 1
    return {kind: rate(hits, n) for kind, (hits, n) in sorted(tally.items())}


def evaluate(engine: GuardEngine, samples: Sequence[Sample]) -> Evaluation:
    """Detection and false-positive rates; "detected" means the verdict is not ``pass``."""
    flagged = {s.id: engine.check(s.text).verdict != "pass" for s in samples}
    attacks = [s for s in samples if s.label == "attack"]
    benign = [s for s in samples if s.label == "benign"]
    return Evaluation(
        detection=rate(sum(flagged[s.id] for s in attacks), len(attacks)),
        false_positive=rate(sum(flagged[s.id] for s in benign), len(benign)),
        detection_by_kind=_rates((s.kind, flagged[s.id]) for s in attacks),
        false_positive_by_kind=_rates((s.kind, flagged[s.id]) for s in benign),
        missed=[s.id for s in attacks if not flagged[s.id]],
        false_alarms=[s.id for s in benign if flagged[s.id]],
    )


def throughput(engine: GuardEngine, texts: Sequence[str], rounds: int = 3) -> float:
    """Messages per CPU-second of ``engine.check`` in this single-threaded process.

    CPU time of this process (not wall time) is what "per core" means, and it is
    not inflated when other processes compete for the cores; best of ``rounds``.
    """
    best = math.inf
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            engine.check(text)
        best = min(best, time.process_time() - started)
    return len(texts) / best if best > 0 else math.inf


def report(
    split: str, result: Evaluation, per_second: float, scoring: str = "rules"
) -> dict[str, Any]:
    """The JSON document written to ``guard-eval.json``; ``scoring`` names the signals used."""
    return {
        "split": split,
        "scoring": scoring,
        "detection": result.detection.as_dict(),
        "false_positive": result.false_positive.as_dict(),
        "detection_by_kind": {k: r.as_dict() for k, r in result.detection_by_kind.items()},
        "false_positive_by_kind": {
            k: r.as_dict() for k, r in result.false_positive_by_kind.items()
        },
        "throughput_msgs_per_s_per_core": round(per_second, 1),
        "targets": {
            "detection_min": TARGET_DETECTION,
            "false_positive_max": TARGET_FALSE_POSITIVE,
            "throughput_min": TARGET_THROUGHPUT,
        },
        "targets_met": {
            "detection": result.detection.rate >= TARGET_DETECTION,
            "false_positive": result.false_positive.rate <= TARGET_FALSE_POSITIVE,
            "throughput": per_second >= TARGET_THROUGHPUT,
        },
        "missed": result.missed,
        "false_alarms": result.false_alarms,
    }


def scoring_name(engine: GuardEngine) -> str:
    """ "rules", or "rules + classifier <table key>" when the classifier is on."""
    if engine.classifier is None:
        return "rules"
    return f"rules + classifier {engine.classifier.key[:12]}"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _row(name: str, entry: dict[str, Any]) -> str:
    low, high = entry["ci95"]
    share = f"{entry['hits']}/{entry['n']}"
    return f"| {name} | {share} | {_pct(entry['rate'])} | {_pct(low)}–{_pct(high)} |"


def markdown(doc: dict[str, Any]) -> str:
    """The human-readable report written to ``guard-eval.md``."""
    met = doc["targets_met"]
    lines = [
        f"# Input guard evaluation ({doc['split']} split)",
        "",
        "Detected = verdict `flag` or `block`. Intervals: 95% Wilson score.",
        f"Scoring: {doc.get('scoring', 'rules')}.",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
        f"| detection rate (attacks) | {_pct(doc['detection']['rate'])} "
        f"({_pct(doc['detection']['ci95'][0])}–{_pct(doc['detection']['ci95'][1])}) "
        f"| ≥ {_pct(TARGET_DETECTION)} | {'yes' if met['detection'] else 'no'} |",
        f"| false-positive rate (benign) | {_pct(doc['false_positive']['rate'])} "
        f"({_pct(doc['false_positive']['ci95'][0])}–{_pct(doc['false_positive']['ci95'][1])}) "
        f"| ≤ {_pct(TARGET_FALSE_POSITIVE)} | {'yes' if met['false_positive'] else 'no'} |",
        f"| throughput (messages/s, one core) | {doc['throughput_msgs_per_s_per_core']:,.0f} "
        f"| ≥ {TARGET_THROUGHPUT:,.0f} | {'yes' if met['throughput'] else 'no'} |",
        "",
        "## Detection by attack kind",
        "",
        "| kind | detected | rate | 95% CI |",
        "|---|---|---|---|",
        *(_row(kind, entry) for kind, entry in doc["detection_by_kind"].items()),
        "",
        "## False positives by benign category",
        "",
        "| category | flagged | rate | 95% CI |",
        "|---|---|---|---|",
        *(_row(kind, entry) for kind, entry in doc["false_positive_by_kind"].items()),
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.guard.evaluate")
    parser.add_argument(
        "--split",
        choices=sorted(SPLIT_PATTERNS),
        action="append",
        help=f"repeatable; default: {', '.join(HELD_OUT)}, written to eval/results/",
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--show-misses", action="store_true", help="print missed and falsely flagged dev texts"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-classifier", action="store_true", help="rules alone (for comparison)")
    args = parser.parse_args(argv)

    engine = GuardEngine.from_settings(GuardSettings(guard_classifier=not args.no_classifier))
    met = True
    for split in args.split or HELD_OUT:
        if not split_files(args.data_dir, split) and not args.split:
            continue  # a data dir with one held-out split only
        samples = load_split(args.data_dir, split)
        result = evaluate(engine, samples)
        per_second = throughput(engine, [s.text for s in samples])
        doc = report(split, result, per_second, scoring_name(engine))
        met = met and all(doc["targets_met"].values())
        if split in RESULT_STEMS:
            stem = args.out_dir / RESULT_STEMS[split]
            args.out_dir.mkdir(parents=True, exist_ok=True)
            stem.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
            stem.with_suffix(".md").write_text(markdown(doc))
        print(markdown(doc))
        if args.show_misses and split == "dev":  # never tune on the held-out texts
            by_id = {s.id: s for s in samples}
            for label, ids in (("MISSED", result.missed), ("FALSE ALARM", result.false_alarms)):
                for sample_id in ids:
                    sample = by_id[sample_id]
                    print(f"{label} {sample.id} [{sample.kind}] {sample.text!r}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
