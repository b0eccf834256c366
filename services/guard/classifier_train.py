"""Training and cross-author validation of the guard's injection classifier (offline).

``train`` fits an L2 logistic regression (lbfgs: deterministic, no random state)
on word, word-pair and character 4-gram features of the normalised text, keeps
the ``MAX_FEATURES`` heaviest features and refits on those alone, so the
exported table *is* the final model (its scores equal scikit-learn's decision
function) and stays small.

``python -m services.guard.classifier_train`` validates leaving one author out:
each file of the ``dev`` split (one author each, ``corpus.py``) is scored by an
engine whose classifier was trained on all the other files (+ the agent's benign
tickets). The pooled figure is what a new author's wordings should expect, which
is what the held-out set measures. The rules were written looking at some of these
files, so "rules alone" is optimistic on those; the classifier columns are not.
Written to ``eval/results/guard-crossval.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from services.agent.local import dataset
from services.guard import corpus
from services.guard.classifier import (
    InjectionClassifier,
    TrainingFiles,
    features,
    training_files,
)
from services.guard.corpus import load_samples
from services.guard.engine import GuardEngine
from services.guard.evaluate import Rate, rate
from services.guard.settings import GuardSettings

#: Inverse regularisation strength; 1.0 did best across authors (0.3 and 3 tried).
C = 1.0
#: Features kept after the first fit (by |weight|); the refit uses only these.
#: Leave-one-author-out over 35 files: 6,000 (right for the first corpora) caught 89.9%,
#: 20,000 91.5%, 50,000 91.1%, all ~1M 91.2% at <= 2% false positives; C 0.5 and 3
#: did no better at 20,000. Scoring cost does not grow with the table (dict look-ups).
MAX_FEATURES = 20_000


@dataclass(frozen=True)
class Example:
    text: str
    attack: bool


def load_examples(files: TrainingFiles) -> list[Example]:
    """The labelled corpus files' messages, then the benign files' tickets."""
    labelled = [
        Example(s.text, s.label == "attack") for path in files.labelled for s in load_samples(path)
    ]
    benign = [Example(e.text, False) for path in files.benign for e in dataset.load(path)]
    return labelled + benign


def fit(
    examples: Sequence[Example],
    normalise: Callable[[str], str],
    max_features: int = MAX_FEATURES,
) -> tuple[DictVectorizer, LogisticRegression]:
    """The refitted model over the ``max_features`` most informative features."""
    rows = [features(normalise(e.text)) for e in examples]
    labels = np.array([e.attack for e in examples])
    vectorizer = DictVectorizer()
    model = _logistic().fit(vectorizer.fit_transform(rows), labels)
    weights = model.coef_[0]
    # Stable sort: ties break by feature name (DictVectorizer sorts them), so reruns agree.
    kept = np.argsort(-np.abs(weights), kind="stable")[:max_features]
    names = vectorizer.get_feature_names_out()
    vectorizer = DictVectorizer().fit([dict.fromkeys(names[kept], 1.0)])
    model = _logistic().fit(vectorizer.transform(rows), labels)
    return vectorizer, model


def _logistic() -> LogisticRegression:
    # Balanced: benign tickets outnumber attacks about 3 to 1.
    return LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=5000)


def export(
    vectorizer: DictVectorizer, model: LogisticRegression, key: str = "adhoc"
) -> InjectionClassifier:
    """The fitted model as a weight table (zero weights dropped)."""
    weights = {
        str(name): float(weight)
        for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if weight != 0.0
    }
    return InjectionClassifier(weights, float(model.intercept_[0]), key)


def train(
    examples: Sequence[Example], normalise: Callable[[str], str], key: str = "adhoc"
) -> InjectionClassifier:
    return export(*fit(examples, normalise), key)


def train_files(
    files: TrainingFiles, normalise: Callable[[str], str], key: str
) -> InjectionClassifier:
    return train(load_examples(files), normalise, key)


@dataclass(frozen=True)
class Validation:
    """Figures on one held-back author for an engine whose classifier never saw them."""

    name: str
    rules: tuple[Rate, Rate]
    classifier: tuple[Rate, Rate]
    combined: tuple[Rate, Rate]
    combined_by_kind: dict[str, tuple[Rate, Rate]]


Flags = list[tuple[bool, bool]]


def _rates(flags: Sequence[tuple[bool, bool]]) -> tuple[Rate, Rate]:
    """(detection, false-positive) rates of ``(is_attack, flagged)`` pairs."""
    attacks = [flagged for attack, flagged in flags if attack]
    benign = [flagged for attack, flagged in flags if not attack]
    return rate(sum(attacks), len(attacks)), rate(sum(benign), len(benign))


def validate(held_back: Path, files: TrainingFiles, settings: GuardSettings) -> Validation:
    """Train on ``files`` without ``held_back``, score ``held_back``."""
    fold = TrainingFiles(tuple(p for p in files.labelled if p != held_back), files.benign)
    rules_only = GuardEngine.from_settings(settings.model_copy(update={"guard_classifier": False}))
    engine = GuardEngine.from_settings(settings.model_copy(update={"guard_classifier": False}))
    engine.classifier = train_files(fold, engine.shadow, "fold")
    flag_p = engine.classifier_policy.flag_p
    rules: Flags = []
    alone: Flags = []
    combined: Flags = []
    by_kind: dict[str, Flags] = {}
    for s in load_samples(held_back):
        attack = s.label == "attack"
        verdict = engine.check(s.text).verdict != "pass"
        p = engine.classifier.probability(engine.shadow(s.text))
        rules.append((attack, rules_only.check(s.text).verdict != "pass"))
        alone.append((attack, p >= flag_p))
        combined.append((attack, verdict))
        by_kind.setdefault(s.kind, []).append((attack, verdict))
    return Validation(
        held_back.stem,
        _rates(rules),
        _rates(alone),
        _rates(combined),
        {kind: _rates(flags) for kind, flags in sorted(by_kind.items())},
    )


def pooled(results: Sequence[Validation]) -> Validation:
    """All folds' messages counted together (kinds merged across authors)."""

    def pool(pairs: Sequence[tuple[Rate, Rate]]) -> tuple[Rate, Rate]:
        return (
            rate(sum(d.hits for d, _ in pairs), sum(d.n for d, _ in pairs)),
            rate(sum(f.hits for _, f in pairs), sum(f.n for _, f in pairs)),
        )

    kinds = sorted({kind for v in results for kind in v.combined_by_kind})
    return Validation(
        "all authors",
        pool([v.rules for v in results]),
        pool([v.classifier for v in results]),
        pool([v.combined for v in results]),
        {
            k: pool([v.combined_by_kind[k] for v in results if k in v.combined_by_kind])
            for k in kinds
        },
    )


def _cell(value: Rate) -> str:
    if value.n == 0:
        return "-"
    interval = f"{100 * value.low:.1f}–{100 * value.high:.1f}"
    return f"{value.hits}/{value.n} {100 * value.rate:.1f}% ({interval})"


def markdown(results: Sequence[Validation], settings: GuardSettings) -> str:
    total = pooled(results)
    lines = [
        "# Guard classifier: leave-one-author-out validation",
        "",
        "Each dev file (one author) scored by an engine whose classifier was trained on the",
        "other files only. Detected = verdict `flag` or `block`; intervals: 95% Wilson.",
        f"Policy: assist from p = {settings.guard_classifier_assist_p}, alone "
        f"{'on' if settings.guard_classifier_alone else 'off'} from p = "
        f"{settings.guard_classifier_flag_p}.",
        "",
        "| held-back author | rules alone: detection | false positives "
        "| rules + classifier: detection | false positives | classifier alone: detection |",
        "|---|---|---|---|---|---|",
    ]
    for v in [*results, total]:
        lines.append(
            f"| {v.name} | {_cell(v.rules[0])} | {_cell(v.rules[1])} | {_cell(v.combined[0])} "
            f"| {_cell(v.combined[1])} | {_cell(v.classifier[0])} |"
        )
    lines += ["", "Rules + classifier, all authors, by kind:", "", "| kind | rate |", "|---|---|"]
    lines += [
        f"| {kind} | {_cell(det if det.n else fp)} |"
        for kind, (det, fp) in total.combined_by_kind.items()
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.guard.classifier_train",
        description="Leave-one-author-out validation of the guard classifier on the dev split.",
    )
    parser.add_argument("--data-dir", type=Path, default=corpus.DATA_DIR)
    parser.add_argument("--out", type=Path, default=Path("eval/results/guard-crossval.md"))
    args = parser.parse_args(argv)
    settings = GuardSettings()
    files = training_files(args.data_dir)
    results = [validate(path, files, settings) for path in files.labelled]
    text = markdown(results, settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
