"""Held-out evaluation of the local model: ``python -m services.agent.local.evaluate``.

Scores the test split (never used in training) the way the triager uses the model:
category as predicted, urgency after the critical-signal rules. ``--json`` prints
the report as one JSON object for scripts (``make eval``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from schemas.tickets import CATEGORIES, URGENCIES
from services.agent.local import dataset
from services.agent.local.dataset import DATA_DIR, TEST_FILE, Example
from services.agent.local.model import LocalModel, load_or_train
from services.agent.local.urgency import critical_signals, with_signals
from services.agent.settings import AgentSettings


@dataclass(frozen=True)
class Report:
    model: str
    examples: int
    category_accuracy: float
    category_macro_f1: float
    category_f1: dict[str, float]
    urgency_accuracy: float
    urgency_classifier_accuracy: float
    urgency_f1: dict[str, float]
    language_accuracy: float


def _per_class(truth: list[str], predicted: list[str], labels: Sequence[str]) -> dict[str, float]:
    scores = f1_score(truth, predicted, labels=list(labels), average=None, zero_division=0)
    return {label: round(float(s), 4) for label, s in zip(labels, scores, strict=True)}


def evaluate(model: LocalModel, examples: Sequence[Example]) -> Report:
    predictions = model.predict_many([e.text for e in examples])
    categories = [e.category for e in examples]
    urgencies = [e.urgency for e in examples]
    predicted_categories: list[str] = [p.category for p in predictions]
    classifier_urgencies: list[str] = [p.urgency for p in predictions]
    final_urgencies: list[str] = [
        with_signals(p.urgency, critical_signals(e.text))
        for p, e in zip(predictions, examples, strict=True)
    ]
    return Report(
        model=model.name,
        examples=len(examples),
        category_accuracy=round(float(accuracy_score(categories, predicted_categories)), 4),
        category_macro_f1=round(
            float(f1_score(categories, predicted_categories, average="macro", zero_division=0)), 4
        ),
        category_f1=_per_class(categories, predicted_categories, CATEGORIES),
        urgency_accuracy=round(float(accuracy_score(urgencies, final_urgencies)), 4),
        urgency_classifier_accuracy=round(
            float(accuracy_score(urgencies, classifier_urgencies)), 4
        ),
        urgency_f1=_per_class(urgencies, final_urgencies, URGENCIES),
        language_accuracy=round(
            float(
                accuracy_score([e.language for e in examples], [p.language for p in predictions])
            ),
            4,
        ),
    )


def render(report: Report) -> str:
    lines = [
        f"model {report.model}, {report.examples} held-out examples",
        f"category accuracy {report.category_accuracy:.3f} "
        f"(macro-F1 {report.category_macro_f1:.3f})",
    ]
    lines += [f"  {label:<18} F1 {score:.3f}" for label, score in report.category_f1.items()]
    lines.append(
        f"urgency accuracy {report.urgency_accuracy:.3f} "
        f"(classifier alone {report.urgency_classifier_accuracy:.3f})"
    )
    lines += [f"  {label:<18} F1 {score:.3f}" for label, score in report.urgency_f1.items()]
    lines.append(f"language accuracy {report.language_accuracy:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--test-file", type=Path, default=DATA_DIR / TEST_FILE)
    args = parser.parse_args(argv)
    model = load_or_train(AgentSettings().model_cache_dir)
    report = evaluate(model, dataset.load(args.test_file))
    print(json.dumps(asdict(report)) if args.json else render(report))


if __name__ == "__main__":
    main()
