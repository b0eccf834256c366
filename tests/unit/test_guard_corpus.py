"""The red-team corpus: reproducible, big enough, and with a truly held-out test split."""

from __future__ import annotations

import json
from collections import Counter

from services.guard.corpus import DATA_DIR, HELD_OUT, load_samples, load_split, split_files
from services.guard.data import extra, generate


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


# --- independent authors and the held-out set ------------------------------------------

FIELDS = {"id", "split", "label", "kind", "text"}


def _records(split: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (path.relative_to(DATA_DIR).as_posix(), json.loads(line))
        for path in split_files(DATA_DIR, split)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _folded(text: str) -> str:
    """Case and whitespace folded: a copy with other line breaks is still a copy."""
    return " ".join(text.casefold().split())


def test_every_corpus_line_has_the_shape_its_split_says() -> None:
    for split in ("dev", *HELD_OUT):
        for name, record in _records(split):
            assert set(record) == FIELDS, (name, record.get("id"))
            assert record["split"] == split, (name, record["id"])
            assert record["text"].strip(), (name, record["id"])
            if record["label"] == "attack":
                assert record["kind"] in generate.ATTACK_KINDS, (name, record["id"])
            else:
                assert record["label"] == "benign" and record["kind"].isidentifier()


def test_each_author_file_is_one_author_with_attacks_and_benign_messages() -> None:
    by_file: dict[str, Counter[str]] = {}
    for name, record in _records("dev"):
        by_file.setdefault(name, Counter())[record["label"]] += 1
    authors = [name for name in by_file if name.startswith("authors/")]
    assert len(authors) >= 6
    for name in authors:
        assert by_file[name]["attack"] >= 50, name
        assert by_file[name]["benign"] >= 60, name


def test_ids_are_unique_across_the_whole_corpus() -> None:
    ids = Counter(r["id"] for split in ("dev", *HELD_OUT) for _, r in _records(split))
    assert [key for key, n in ids.items() if n > 1] == []


def test_no_held_out_text_appears_in_the_training_material() -> None:
    dev = {_folded(r["text"]) for _, r in _records("dev")}
    for split in HELD_OUT:
        shared = [r["id"] for _, r in _records(split) if _folded(r["text"]) in dev]
        assert shared == [], split


def test_the_held_out_set_covers_every_attack_kind() -> None:
    for split in HELD_OUT:
        kinds = Counter(r["kind"] for _, r in _records(split) if r["label"] == "attack")
        assert set(kinds) == set(generate.ATTACK_KINDS), split
        assert min(kinds.values()) >= 20, split
