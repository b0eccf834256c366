"""A small linear injection classifier: a second opinion that generalises past the rules' wordings.

The rules catch what their authors imagined; a new wording of the same intent
("pre-approved by billing, push it through") slips through. This logistic
regression, trained on the project's labelled attacks and benign player messages
(``classifier_train.py``), scores the engine's normalised shadow text over word
1-2-grams and character 4-grams within words, so spacing, leetspeak and
look-alikes are already folded away.

Scoring is plain Python over an exported weight table (feature -> weight), with
each word's contribution cached: a few dict look-ups per word, no scikit-learn
per message. The
table is cached on disk under a digest of everything it is built from
(``libs.artifact_cache``), so start-up trains only when data, rules or code change.

How the probability enters the engine's additive score is ``ClassifierPolicy``:
it assists weak rules from ``assist_p``, flags on its own from ``flag_p`` and
blocks on its own only from ``block_p``.
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from libs.artifact_cache import ArtifactCache, digest
from services.agent.local.dataset import DATA_DIR as AGENT_DATA_DIR
from services.agent.local.dataset import TRAIN_FILE
from services.guard import corpus

#: Bump when features or training change: it re-keys every cached table.
FEATURE_VERSION = "1"
#: Where the table is cached unless configured (gitignored).
PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "model"
#: The guard's own code whose behaviour shapes the features (the shadow text).
_FEATURE_SOURCES = tuple(
    Path(__file__).with_name(name)
    for name in ("classifier.py", "classifier_train.py", "normalize.py", "segment.py", "words.txt")
)

_TOKEN = re.compile(r"\w+")
_CHAR_N = 4
_WORD_CACHE_SIZE = 50_000
#: Finding id and kind of the classifier's signal.
FINDING_ID = "classifier.injection"
#: Finding id when the classifier cleared weak rule findings.
CLEARED_ID = "classifier.cleared"
FINDING_KIND = "classifier"


def _char_grams(token: str) -> list[str]:
    padded = f" {token} "
    return [padded[i : i + _CHAR_N] for i in range(len(padded) - _CHAR_N + 1)]


def _pairs(tokens: list[str]) -> set[str]:
    return {f"{first} {second}" for first, second in zip(tokens, tokens[1:], strict=False)}


def features(shadow: str) -> dict[str, float]:
    """The features of a normalised text: what the model is trained on.

    Each distinct word contributes ``w:<word>`` (1) and the character 4-grams of
    `` <word> `` (counted over distinct words); each distinct word pair
    ``<word> <word>`` is 1. Their spaces sit at different places, so the three
    families never collide. Counting per distinct word is what lets scoring
    cache a word's whole contribution.
    """
    tokens = _TOKEN.findall(shadow)
    found: dict[str, float] = dict.fromkeys(_pairs(tokens), 1.0)
    for token in set(tokens):
        found["w:" + token] = 1.0
        for gram in _char_grams(token):
            found[gram] = found.get(gram, 0.0) + 1.0
    return found


@dataclass(frozen=True)
class InjectionClassifier:
    """A logistic regression as a weight table; ``key`` names the data it was trained on."""

    weights: Mapping[str, float]
    bias: float
    key: str = "adhoc"
    #: Word -> its summed weight (word feature plus character 4-grams): most words recur.
    _words: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def decision(self, shadow: str) -> float:
        """The linear score (log-odds of "attack") of a normalised text.

        Equal to the dot product of ``features(shadow)`` with the weights, computed
        per distinct word from a bounded cache so a typical message costs a few
        dict look-ups per word.
        """
        weight = self.weights.get
        words = self._words
        tokens = _TOKEN.findall(shadow)
        total = self.bias + sum(weight(pair, 0.0) for pair in _pairs(tokens))
        for token in set(tokens):
            part = words.get(token)
            if part is None:
                part = weight("w:" + token, 0.0) + sum(
                    weight(gram, 0.0) for gram in _char_grams(token)
                )
                if len(words) >= _WORD_CACHE_SIZE:
                    words.clear()  # bounded against floods of made-up words
                words[token] = part
            total += part
        return total

    def probability(self, shadow: str) -> float:
        """P(attack) of a normalised text."""
        z = self.decision(shadow)
        # Both branches keep exp() from overflowing on extreme scores.
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        odds = math.exp(z)
        return odds / (1.0 + odds)

    def dumps(self) -> bytes:
        doc = {"key": self.key, "bias": self.bias, "weights": dict(sorted(self.weights.items()))}
        return json.dumps(doc, ensure_ascii=False).encode()

    @classmethod
    def loads(cls, data: bytes) -> InjectionClassifier:
        """Parses ``dumps`` output; raises ``ValueError`` for anything else."""
        doc = json.loads(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("weights"), dict):
            raise ValueError("not a classifier weight table")
        return cls(
            {str(k): float(v) for k, v in doc["weights"].items()},
            float(doc["bias"]),
            str(doc["key"]),
        )


@dataclass(frozen=True)
class ClassifierPolicy:
    """How P(attack) moves the engine's additive score.

    Below ``assist_p`` it adds nothing. From ``assist_p`` to ``flag_p`` its weight
    ramps up to just under the flag threshold: alone it never flags, but it lifts
    a weak rule over it. With ``alone`` (the default), from ``flag_p`` it weighs
    the flag threshold (alone: flag, never block), and from ``block_p`` the block
    threshold; without, it stays just under the flag threshold. Under ``clear_p``
    it clears a ticket whose rules scored less than ``clear_below``: rules written
    for attacks also fire on players who quote or report one, and the classifier,
    trained on such reports, tells them apart; strong rule findings stand.
    The defaults come from the leave-one-author-out validation
    (``classifier_train.py``): the most detection at no more than 2% false positives
    pooled over all authors (``eval/results/guard-crossval.md``: the rules alone catch a
    fifth to three quarters of each new author's attacks; the classifier, trained on the
    other authors, most of the rest).
    """

    assist_p: float = 0.6
    flag_p: float = 0.8
    block_p: float = 0.995
    alone: bool = True
    clear_p: float = 0.1
    clear_below: float = 2.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.clear_p < self.assist_p < self.flag_p <= self.block_p <= 1.0:
            raise ValueError("need 0 <= clear_p < assist_p < flag_p <= block_p <= 1")

    def weight(self, p: float, flag_threshold: float, block_threshold: float) -> float:
        if self.alone and p >= self.block_p:
            return block_threshold
        if self.alone and p >= self.flag_p:
            return flag_threshold
        if p <= self.assist_p:
            return 0.0
        ramp = (
            flag_threshold * (min(p, self.flag_p) - self.assist_p) / (self.flag_p - self.assist_p)
        )
        # Stays clear of the flag threshold even after the engine rounds the score.
        return round(min(ramp, flag_threshold - 0.01), 4)

    def clears(self, p: float, rules_score: float, flag_threshold: float) -> bool:
        """Whether a confidently benign text passes although its rules would flag it."""
        return p < self.clear_p and flag_threshold <= rules_score < self.clear_below


@dataclass(frozen=True)
class TrainingFiles:
    """What the classifier learns from.

    ``labelled``: guard corpus files (``label`` attack/benign); ``benign``: the agent's
    support tickets, all benign. Never the held-out ``test.jsonl`` (or any other
    held-out file): the published figures must come from unseen messages.
    """

    labelled: tuple[Path, ...]
    benign: tuple[Path, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return (*self.labelled, *self.benign)


def training_files(data_dir: Path = corpus.DATA_DIR) -> TrainingFiles:
    """The guard's ``dev`` split and the agent's training tickets."""
    return TrainingFiles(tuple(corpus.split_files(data_dir, "dev")), (AGENT_DATA_DIR / TRAIN_FILE,))


def cache_key(files: TrainingFiles, rules_path: Path) -> str:
    """Digest of the training data, the rules (their keywords shape the shadow text) and code."""
    return digest(
        [*files.paths, rules_path, *_FEATURE_SOURCES],
        FEATURE_VERSION,
        importlib.metadata.version("scikit-learn"),
    )


_caches: dict[Path, ArtifactCache[InjectionClassifier]] = {}


def load_or_train(
    cache_dir: Path, rules_path: Path, normalise: Callable[[str], str]
) -> InjectionClassifier:
    """The classifier for the current data, rules and code: from memory, disk, or trained.

    ``normalise`` must be the engine's shadow-text function for ``rules_path``.
    """
    files = training_files()
    key = cache_key(files, rules_path)
    cache = _caches.setdefault(
        cache_dir,
        ArtifactCache(cache_dir, "guard-classifier", ".json", InjectionClassifier.dumps, _loads),
    )

    def build() -> InjectionClassifier:
        # scikit-learn is imported only when a table has to be trained.
        from services.guard.classifier_train import train_files

        return train_files(files, normalise, key)

    return cache.get(key, build)


def _loads(data: bytes) -> InjectionClassifier:
    try:
        return InjectionClassifier.loads(data)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"bad classifier table: {exc}") from exc
