"""``make eval``: score triagers on the held-out test set and write ``eval/results/``.

For each triager: accuracy and per-class precision/recall/F1 with confusion
matrices for category and urgency, language accuracy, and the calibration of
the confidence (reliability bins and expected calibration error), as
``<name>.json`` and a readable ``<name>.md``. The local model always runs; Claude
runs too when an API key is set (``ANTHROPIC_API_KEY`` or
``TRIAGE_ANTHROPIC_API_KEY``), and then the report includes tokens and cost.
Every ticket goes through the same ``Triager.triage`` call the stage makes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from schemas.tickets import CATEGORIES, URGENCIES
from services.agent.claude.cost import total
from services.agent.cli import cli_ticket
from services.agent.local.dataset import DATA_DIR, TEST_FILE, Example, load
from services.agent.settings import AgentSettings
from services.agent.triager import TriageOutcome, Triager, build_triager

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "eval" / "results"


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class LabelReport:
    accuracy: float
    macro_f1: float
    per_class: dict[str, ClassScores]
    labels: list[str]
    #: rows: true label, columns: predicted label, in ``labels`` order
    confusion: list[list[int]]


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class Calibration:
    ece: float
    bins: list[Bin]


@dataclass(frozen=True)
class Report:
    triager: str
    model: str
    examples: int
    category: LabelReport
    urgency: LabelReport
    language_accuracy: float
    calibration: Calibration
    sources: dict[str, int]
    cost: dict[str, float] | None


def _r(value: float) -> float:
    return round(float(value), 4)


def label_report(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> LabelReport:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(labels), average=None, zero_division=0
    )
    per_class = {
        label: ClassScores(_r(p), _r(r), _r(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return LabelReport(
        accuracy=_r(accuracy_score(truth, predicted)),
        macro_f1=_r(sum(c.f1 for c in per_class.values()) / len(per_class)),
        per_class=per_class,
        labels=list(labels),
        confusion=confusion_matrix(truth, predicted, labels=list(labels)).tolist(),
    )


def calibration(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> Calibration:
    """Equal-width reliability bins; ECE = sum over bins of share x |accuracy - confidence|."""
    out: list[Bin] = []
    ece = 0.0
    for i in range(bins):
        low, high = i / bins, (i + 1) / bins
        members = [
            (c, ok)
            for c, ok in zip(confidences, correct, strict=True)
            if low <= c < high or (i == bins - 1 and c == 1.0)
        ]
        if not members:
            continue
        confidence = sum(c for c, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        ece += len(members) / len(confidences) * abs(accuracy - confidence)
        out.append(Bin(_r(low), _r(high), len(members), _r(confidence), _r(accuracy)))
    return Calibration(_r(ece), out)


def score(name: str, examples: Sequence[Example], outcomes: Sequence[TriageOutcome]) -> Report:
    sources: dict[str, int] = {}
    for outcome in outcomes:
        sources[outcome.source] = sources.get(outcome.source, 0) + 1
    usage = total(o.usage for o in outcomes if o.usage is not None)
    cost = None
    if usage is not None:
        cost = {
            **{k: float(v) for k, v in usage.model_dump().items()},
            "cost_per_ticket_usd": round(usage.cost_usd / len(outcomes), 8),
        }
    models = sorted({o.model for o in outcomes})
    return Report(
        triager=name,
        model=", ".join(models),
        examples=len(examples),
        category=label_report(
            [e.category for e in examples], [o.category for o in outcomes], CATEGORIES
        ),
        urgency=label_report(
            [e.urgency for e in examples], [o.urgency for o in outcomes], URGENCIES
        ),
        language_accuracy=_r(
            accuracy_score([e.language for e in examples], [o.language for o in outcomes])
        ),
        calibration=calibration(
            [o.confidence for o in outcomes],
            [o.category == e.category for o, e in zip(outcomes, examples, strict=True)],
        ),
        sources=sources,
        cost=cost,
    )


async def run(
    triager: Triager, examples: Sequence[Example], producer: str, concurrency: int
) -> list[TriageOutcome]:
    """Triage every example as the stage would, ``concurrency`` at a time, in order."""
    limit = asyncio.Semaphore(concurrency)

    async def one(example: Example) -> TriageOutcome:
        async with limit:
            return await triager.triage(cli_ticket(example.id, example.text, None, producer))

    return list(await asyncio.gather(*(one(e) for e in examples)))


def _table(report: LabelReport) -> list[str]:
    lines = ["| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [
        f"| {label} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | {c.support} |"
        for label, c in report.per_class.items()
    ]
    lines += ["", "Confusion matrix (rows: true, columns: predicted):", ""]
    lines.append("| | " + " | ".join(report.labels) + " |")
    lines.append("|---" * (len(report.labels) + 1) + "|")
    lines += [
        f"| **{label}** | " + " | ".join(str(n) for n in row) + " |"
        for label, row in zip(report.labels, report.confusion, strict=True)
    ]
    return lines


def markdown(report: Report) -> str:
    lines = [
        f"# Triage evaluation: {report.triager}",
        "",
        f"Model `{report.model}`, {report.examples} held-out examples "
        f"(`services/agent/data/{TEST_FILE}`). "
        f"Sources: {', '.join(f'{k} {v}' for k, v in sorted(report.sources.items()))}.",
        "",
        "| metric | value |",
        "|---|---|",
        f"| category accuracy | {report.category.accuracy:.3f} |",
        f"| category macro-F1 | {report.category.macro_f1:.3f} |",
        f"| urgency accuracy | {report.urgency.accuracy:.3f} |",
        f"| urgency macro-F1 | {report.urgency.macro_f1:.3f} |",
        f"| language accuracy | {report.language_accuracy:.3f} |",
        f"| calibration error (ECE, 10 bins) | {report.calibration.ece:.3f} |",
    ]
    if report.cost:
        lines += [
            f"| cost, total USD | {report.cost['cost_usd']:.4f} |",
            f"| cost per ticket, USD | {report.cost['cost_per_ticket_usd']:.6f} |",
            f"| tokens in / out / cache read / cache write | {report.cost['input_tokens']:.0f} / "
            f"{report.cost['output_tokens']:.0f} / {report.cost['cache_read_tokens']:.0f} / "
            f"{report.cost['cache_write_tokens']:.0f} |",
        ]
    lines += ["", "## Category", "", *_table(report.category)]
    lines += ["", "## Urgency", "", *_table(report.urgency)]
    lines += [
        "",
        "## Calibration of the confidence",
        "",
        "Confidence is the triager's probability that the category is right; in a "
        "calibrated model each bin's accuracy matches its mean confidence.",
        "",
        "| bin | tickets | mean confidence | accuracy |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {b.low:.1f}–{b.high:.1f} | {b.count} | {b.confidence:.3f} | {b.accuracy:.3f} |"
        for b in report.calibration.bins
    ]
    return "\n".join(lines) + "\n"


def write(report: Report, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{report.triager}.json").write_text(
        json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / f"{report.triager}.md").write_text(markdown(report), encoding="utf-8")


def _has_api_key(settings: AgentSettings) -> bool:
    return bool(settings.anthropic_api_key or os.environ.get("ANTHROPIC_API_KEY"))


async def evaluate(
    name: str, settings: AgentSettings, examples: Sequence[Example], concurrency: int
) -> Report:
    chosen = settings.model_copy(update={"agent_triager": name})
    triager = build_triager(chosen, shared_budget=False)
    outcomes = await run(triager, examples, settings.producer_id, concurrency)
    return score(name, examples, outcomes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-file", type=Path, default=DATA_DIR / TEST_FILE)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--limit", type=int, help="only the first N examples")
    parser.add_argument("--concurrency", type=int, default=8, help="Claude requests in flight")
    parser.add_argument(
        "--triager",
        choices=["local", "claude"],
        action="append",
        help="evaluate only these (default: local, plus claude when an API key is set)",
    )
    args = parser.parse_args(argv)
    settings = AgentSettings()
    names: list[str] = args.triager or (
        ["local", "claude"] if _has_api_key(settings) else ["local"]
    )
    examples = load(args.test_file)[: args.limit]
    summary: dict[str, Any] = {}
    for name in names:
        report = asyncio.run(evaluate(name, settings, examples, args.concurrency))
        write(report, args.out)
        summary[name] = {
            "category_accuracy": report.category.accuracy,
            "category_macro_f1": report.category.macro_f1,
            "urgency_accuracy": report.urgency.accuracy,
            "ece": report.calibration.ece,
            "sources": report.sources,
            "cost_per_ticket_usd": report.cost["cost_per_ticket_usd"] if report.cost else None,
        }
        print(markdown(report))
    print(f"written to {args.out}: " + json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
