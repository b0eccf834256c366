"""The local model: dataset contract, held-out quality, determinism and the disk cache."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from schemas.tickets import CATEGORIES, URGENCIES
from services.agent.local import dataset, generate
from services.agent.local.dataset import DATA_DIR, TEST_FILE, TRAIN_FILE, Example
from services.agent.local.evaluate import evaluate
from services.agent.local.model import LocalModel, cache_key, load_or_train, train
from services.agent.settings import AgentSettings


@pytest.fixture(scope="module")
def model() -> LocalModel:
    return load_or_train(AgentSettings().model_cache_dir)


@pytest.fixture(scope="module")
def train_set() -> list[Example]:
    return dataset.load(DATA_DIR / TRAIN_FILE)


@pytest.fixture(scope="module")
def test_set() -> list[Example]:
    return dataset.load(DATA_DIR / TEST_FILE)


def test_committed_dataset_is_what_the_generator_writes() -> None:
    train_examples, test_examples = generate.generate()
    assert dataset.dumps(train_examples) == (DATA_DIR / TRAIN_FILE).read_text(encoding="utf-8")
    assert dataset.dumps(test_examples) == (DATA_DIR / TEST_FILE).read_text(encoding="utf-8")


def test_dataset_contract(train_set: list[Example], test_set: list[Example]) -> None:
    assert len(train_set) + len(test_set) >= 1500
    assert len(test_set) >= 300
    for split in (train_set, test_set):
        assert set(Counter(e.category for e in split)) == set(CATEGORIES)
        assert set(Counter(e.urgency for e in split)) == set(URGENCIES)
        assert {"en", "de", "fr", "es", "pt"} <= {e.language for e in split}
    assert not {e.text for e in train_set} & {e.text for e in test_set}
    assert len({e.id for e in train_set + test_set}) == len(train_set) + len(test_set)


def test_held_out_category_accuracy_meets_target(
    model: LocalModel, test_set: list[Example]
) -> None:
    report = evaluate(model, test_set)
    assert report.examples == len(test_set)
    assert report.category_accuracy >= 0.85, report
    assert report.language_accuracy >= 0.95, report
    assert min(report.category_f1.values()) >= 0.7, report.category_f1


def test_predictions_carry_probabilities_and_terms(model: LocalModel) -> None:
    prediction = model.predict("I was charged twice for the battle pass, refund please")
    assert prediction.category == "billing"
    assert 0.5 < prediction.category_p <= 1.0
    assert 0.0 < prediction.urgency_p <= 1.0
    assert prediction.terms and all(len(t) >= 4 for t in prediction.terms)


def test_training_is_deterministic(train_set: list[Example]) -> None:
    sample = train_set[:300]
    texts = ["my account was hacked", "el juego se cierra con error SF-1042", "love the map"]
    first, second = train(sample), train(sample)
    assert first.predict_many(texts) == second.predict_many(texts)


def _data_dir(root: Path, examples: list[Example]) -> Path:
    data_dir = root / "data"
    data_dir.mkdir(exist_ok=True)
    (data_dir / TRAIN_FILE).write_text(dataset.dumps(examples), encoding="utf-8")
    return data_dir


def test_model_is_cached_on_disk_by_dataset_hash(tmp_path: Path, train_set: list[Example]) -> None:
    data_dir = _data_dir(tmp_path, train_set[:200])
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "local-stale0000000000.joblib").write_bytes(b"an older model")
    model = load_or_train(cache, data_dir)
    key = cache_key(data_dir)
    assert [p.name for p in cache.iterdir()] == [f"local-{key[:16]}.joblib"]
    assert model.key == key and load_or_train(cache, data_dir) is model
    _data_dir(tmp_path, train_set[:201])
    assert cache_key(data_dir) != key


def test_unreadable_cache_file_is_retrained(tmp_path: Path, train_set: list[Example]) -> None:
    data_dir = _data_dir(tmp_path, train_set[200:400])
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / f"local-{cache_key(data_dir)[:16]}.joblib"
    path.write_bytes(b"torn write")
    model = load_or_train(cache, data_dir)
    assert model.predict("my account was hacked").category in CATEGORIES
    assert path.stat().st_size > 1000
