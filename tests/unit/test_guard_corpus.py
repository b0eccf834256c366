"""The red-team corpus: reproducible, big enough, and with a truly held-out test split."""

from __future__ import annotations

import json
from collections import Counter

from services.guard.data import extra, generate
from services.guard.evaluate import DATA_DIR, load_samples, load_split


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


# --- dev_extra.jsonl: independently written dev-only material -------------------------


def extra_records() -> list[dict[str, str]]:
    return [json.loads(line) for line in extra.PATH.read_text(encoding="utf-8").splitlines()]


def test_extra_file_is_what_its_generator_builds() -> None:
    assert extra_records() == extra.build()


def test_extra_records_have_the_corpus_shape_and_kinds() -> None:
    records = extra_records()
    assert all(set(r) == {"id", "split", "label", "kind", "text"} for r in records)
    assert {r["split"] for r in records} == {"dev"}
    attacks = Counter(r["kind"] for r in records if r["label"] == "attack")
    benign = Counter(r["kind"] for r in records if r["label"] == "benign")
    assert set(attacks) <= set(generate.ATTACK_KINDS)
    assert set(benign) <= set(generate.BENIGN)
    assert sum(attacks.values()) >= 150
    assert sum(benign.values()) >= 200
    focus = ("authority_claim", "obfuscation", "secret_extraction", "fake_system_message")
    assert all(attacks[kind] >= 30 for kind in focus)


def test_extra_ids_and_texts_are_unique_and_clash_with_nothing() -> None:
    records = extra_records()
    ids = [r["id"] for r in records]
    texts = [r["text"] for r in records]
    assert len(set(ids)) == len(ids)
    assert len(set(texts)) == len(texts)
    assert not set(ids) & {r["id"] for r in committed()}
    held_out = {s.text for s in load_samples(DATA_DIR / "test.jsonl")}
    assert not set(texts) & held_out


def test_the_dev_split_includes_the_extra_file_and_the_test_split_does_not() -> None:
    dev_ids = {s.id for s in load_split(DATA_DIR, "dev")}
    assert {r["id"] for r in extra_records()} <= dev_ids
    assert {s.id for s in load_split(DATA_DIR, "test")} == {
        s.id for s in load_samples(DATA_DIR / "test.jsonl")
    }
