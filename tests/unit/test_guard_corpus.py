"""The red-team corpus: reproducible, big enough, and with a truly held-out test split."""

from __future__ import annotations

import json
from collections import Counter

from services.guard.data import generate
from services.guard.evaluate import DATA_DIR, load_samples


def committed() -> list[dict[str, str]]:
    return [
        json.loads(line)
        for split in generate.SPLITS
        for line in (DATA_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_committed_files_are_what_the_generator_builds() -> None:
    assert committed() == generate.build()


def test_sizes_meet_the_issue() -> None:
    labels = Counter(record["label"] for record in committed())
    assert labels["attack"] >= 400
    assert labels["benign"] >= 800
    kinds = Counter(s.kind for s in load_samples(DATA_DIR / "test.jsonl") if s.label == "attack")
    assert set(kinds) == set(generate.ATTACK_KINDS)


def test_held_out_attacks_share_no_core_wording_with_dev() -> None:
    """Attack cores and benign bodies are split before composing, so no test text is in dev."""
    dev = {s.text for s in load_samples(DATA_DIR / "dev.jsonl")}
    test = {s.text for s in load_samples(DATA_DIR / "test.jsonl")}
    assert not dev & test
    for pool in (generate.OVERRIDE, generate.AUTHORITY, generate.EXTRACTION):
        dev_cores = {core for core in pool if any(core in text for text in dev)}
        test_cores = {core for core in pool if any(core in text for text in test)}
        assert dev_cores and test_cores
        assert not dev_cores & test_cores
