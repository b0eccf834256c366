"""The independent held-out corpus v2 stays well-formed, balanced and disjoint from dev data.

It was written apart from the guard's rules and training data, so these checks guard its shape
only; they never run the guard on it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from services.guard.data.generate import ATTACK_KINDS, DATA_DIR

DATA = DATA_DIR
HELDOUT = DATA / "heldout_v2.jsonl"
#: Files no text of the new set may repeat: the training material and the first held-out set.
DEV_FILES = ("dev.jsonl", "dev_extra.jsonl", "test.jsonl")

BENIGN_COUNTS = {
    "everyday": 100,
    "angry": 60,
    "slang": 60,
    "logs": 60,
    "non_english": 60,
    "tricky": 60,
}
FIELDS = {"id", "split", "label", "kind", "text"}


def _records(path: Path) -> list[dict[str, object]]:
    """Parse JSONL strictly: every non-empty line must be one JSON object."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        assert isinstance(record, dict), f"{path.name}:{number} is not an object"
        records.append(record)
    return records


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, object]]:
    return _records(HELDOUT)


def test_every_line_has_exactly_the_expected_fields(heldout: list[dict[str, object]]) -> None:
    for record in heldout:
        assert set(record) == FIELDS, record.get("id")
        assert record["split"] == "test2"
        assert record["label"] in {"attack", "benign"}
        assert isinstance(record["text"], str) and record["text"].strip()


def test_ids_and_texts_are_unique(heldout: list[dict[str, object]]) -> None:
    ids = Counter(record["id"] for record in heldout)
    texts = Counter(record["text"] for record in heldout)
    assert [key for key, n in ids.items() if n > 1] == []
    assert [key for key, n in texts.items() if n > 1] == []


def test_thirteen_attack_kinds_with_twenty_each(heldout: list[dict[str, object]]) -> None:
    kinds = Counter(record["kind"] for record in heldout if record["label"] == "attack")
    assert kinds == dict.fromkeys(ATTACK_KINDS, 20)


def test_benign_categories_have_their_planned_sizes(heldout: list[dict[str, object]]) -> None:
    kinds = Counter(record["kind"] for record in heldout if record["label"] == "benign")
    assert kinds == BENIGN_COUNTS


def test_no_text_is_shared_with_the_dev_corpus_or_the_first_held_out_set(
    heldout: list[dict[str, object]],
) -> None:
    dev_texts = {
        record["text"] for name in DEV_FILES for record in _records(DATA / name) if "text" in record
    }
    assert dev_texts, "dev corpus not found or empty: the disjointness check would be vacuous"
    shared = sorted(str(record["id"]) for record in heldout if record["text"] in dev_texts)
    assert shared == []
