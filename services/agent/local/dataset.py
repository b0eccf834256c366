"""The labelled dataset: JSONL files of ``{id, text, category, urgency, language}``.

``train.jsonl`` trains the model; ``test.jsonl`` is held out and only evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from schemas.tickets import CATEGORIES, URGENCIES

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TRAIN_FILE = "train.jsonl"
TEST_FILE = "test.jsonl"


class DatasetError(Exception):
    """A dataset line is not a valid labelled example."""


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    category: str
    urgency: str
    language: str

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES or self.urgency not in URGENCIES:
            raise DatasetError(f"{self.id}: bad label {self.category}/{self.urgency}")


def load(path: Path) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                examples.append(Example(**json.loads(line)))
            except (TypeError, ValueError) as exc:
                raise DatasetError(f"{path}:{number}: {exc}") from exc
    return examples


def dumps(examples: Iterable[Example]) -> str:
    return "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in examples)
