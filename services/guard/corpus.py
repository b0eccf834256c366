"""The guard's labelled red-team corpus: which files make which split, and how they load.

Files (one JSON object per line: ``id``, ``split``, ``label``, ``kind``, ``text``):

- ``dev.jsonl`` / ``test.jsonl``: the generator's two halves (``data/generate.py``);
- ``dev_extra.jsonl``: hard dev material (``data/extra.py``);
- ``authors/*.jsonl``: messages hand-written by independent authors, one file each
  (a security researcher, a fraudster, a multilingual author, ...), each of whom saw
  neither the rules nor anybody else's messages. Also the retired held-out sets
  (``authors/redteam_v*.jsonl``), spent once their figures had been looked at;
- ``heldout/*.jsonl``: the current held-out set (split ``test<HELD_OUT_ROUND>``), written
  by further independent red-teamers (four for test8) and evaluated once the rules and
  the classifier were frozen.

The rules and the classifier learn from ``dev`` only. Each dev file is also one fold
of the cross-author validation (``classifier_train.py``): how well the classifier
does on an author it never trained on is the figure that predicts the held-out one
(optimistic for retired held-out files, whose misses rules were written against).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DATA_DIR = Path(__file__).parent / "data"

Label = Literal["attack", "benign"]

#: Which held-out round ``heldout/`` holds: bump it when a new set replaces a spent one
#: (the spent files move to ``authors/``); the split and result names follow from it.
HELD_OUT_ROUND = 8
#: The current unseen set's split name.
HELD_OUT_SPLIT = f"test{HELD_OUT_ROUND}"

#: Glob patterns (under the data dir) of each split's files; the first must match.
SPLIT_PATTERNS: dict[str, tuple[str, ...]] = {
    "dev": ("dev.jsonl", "dev_extra.jsonl", "authors/*.jsonl"),
    "test": ("test.jsonl",),
    HELD_OUT_SPLIT: ("heldout/*.jsonl",),
}
#: Splits that are never trained or tuned on. ``test`` (the generator's held-out half)
#: was looked at during earlier tuning rounds; ``HELD_OUT_SPLIT`` is the current unseen set.
HELD_OUT = (HELD_OUT_SPLIT, "test")


class CorpusError(ValueError):
    """A corpus file or split that cannot be used as it is."""


@dataclass(frozen=True)
class Sample:
    id: str
    label: Label
    kind: str
    text: str


def split_files(data_dir: Path, split: str) -> list[Path]:
    """The split's corpus files in a stable order; empty when its first pattern matches none."""
    first, *extras = SPLIT_PATTERNS[split]
    if not sorted(data_dir.glob(first)):
        return []
    return [path for pattern in (first, *extras) for path in sorted(data_dir.glob(pattern))]


def load_samples(path: Path) -> list[Sample]:
    """Corpus lines ``{"id", "label", "kind", "text"}``; anything else is an error."""
    samples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("label") not in ("attack", "benign"):
                raise CorpusError(f"{path}:{number}: label must be 'attack' or 'benign'")
            samples.append(Sample(item["id"], item["label"], item["kind"], item["text"]))
    return samples


def load_split(data_dir: Path, split: str) -> list[Sample]:
    """Every sample of ``split``; an id used twice across its files is an error."""
    files = split_files(data_dir, split)
    if not files:
        raise CorpusError(f"no corpus files for split {split!r} under {data_dir}")
    samples = [s for path in files for s in load_samples(path)]
    seen: set[str] = set()
    for sample in samples:
        if sample.id in seen:
            raise CorpusError(f"duplicate sample id {sample.id!r} in split {split!r}")
        seen.add(sample.id)
    return samples
