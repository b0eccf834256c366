"""The local classifier: TF-IDF word and character n-grams into calibrated linear SVMs.

Three heads share the dataset: category and urgency (word 1-2-grams plus character
3-5-grams, robust to typos and inflection across languages) and language
(character 1-3-grams). A linear SVM trains in a fraction of a second and scored
best on the held-out split; sigmoid calibration on 3-fold out-of-fold margins turns
them into probabilities usable as confidence. Everything is deterministic. The fitted model
is cached as a joblib file named by a hash of the training data, the pipeline
version and the scikit-learn version, so start-up only loads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import joblib
import numpy as np
import sklearn
from scipy.sparse import csr_matrix
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from libs.artifact_cache import ArtifactCache, digest
from schemas.tickets import Category, Urgency
from services.agent.local import dataset
from services.agent.local.dataset import DATA_DIR, TRAIN_FILE, Example

#: Bump when features or classifiers change: it re-keys every cached model.
PIPELINE_VERSION = "4"
RANDOM_STATE = 7
_CALIBRATION_FOLDS = 3
_TOP_TERMS = 3


@dataclass(frozen=True)
class Prediction:
    category: Category
    category_p: float
    urgency: Urgency
    urgency_p: float
    language: str
    language_p: float
    #: Words of the text that pushed hardest towards the predicted category.
    terms: tuple[str, ...]


def _text_features() -> FeatureUnion:
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"
    )
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        strip_accents="unicode",
        min_df=2,
    )
    return FeatureUnion([("word", word), ("char", char)])


def _classifier(balanced: bool = False) -> CalibratedClassifierCV:
    """One SVM fitted on all the data, calibrated on out-of-fold predictions."""
    svm = LinearSVC(C=0.5, class_weight="balanced" if balanced else None, random_state=RANDOM_STATE)
    return CalibratedClassifierCV(svm, cv=_CALIBRATION_FOLDS, method="sigmoid", ensemble=False)


def _weights(model: CalibratedClassifierCV) -> np.ndarray:
    """The fitted SVM's per-class feature weights: what explains a prediction."""
    return np.asarray(model.calibrated_classifiers_[0].estimator.coef_)


@dataclass
class LocalModel:
    features: FeatureUnion
    category: CalibratedClassifierCV
    urgency: CalibratedClassifierCV
    language: Pipeline
    #: Per-category feature weights (rows follow ``category.classes_``).
    category_weights: np.ndarray
    #: The word features' names (they come first in the feature union).
    words: np.ndarray
    key: str

    @property
    def name(self) -> str:
        return f"local-tfidf-svm-{self.key[:12]}"

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        x = cast(csr_matrix, self.features.transform(list(texts)))
        cat_p = self.category.predict_proba(x)
        urg_p = self.urgency.predict_proba(x)
        lang_p = self.language.predict_proba(list(texts))
        lang_classes = self.language.classes_
        out = []
        for row in range(len(texts)):
            c, u, lang = (
                int(np.argmax(cat_p[row])),
                int(np.argmax(urg_p[row])),
                int(np.argmax(lang_p[row])),
            )
            out.append(
                Prediction(
                    category=cast(Category, str(self.category.classes_[c])),
                    category_p=float(cat_p[row, c]),
                    urgency=cast(Urgency, str(self.urgency.classes_[u])),
                    urgency_p=float(urg_p[row, u]),
                    language=str(lang_classes[lang]),
                    language_p=float(lang_p[row, lang]),
                    terms=self._terms(x.getrow(row), c),
                )
            )
        return out

    def _terms(self, row: csr_matrix, class_index: int) -> tuple[str, ...]:
        coef = self.category_weights[class_index]
        scored = [
            (float(value * coef[index]), str(self.words[index]))
            for index, value in zip(row.indices, row.data, strict=True)
            if index < len(self.words) and value * coef[index] > 0
        ]
        # Function words and numbers carry weight but explain nothing to a reader.
        scored = [(w, t) for w, t in scored if all(len(p) >= 4 and p.isalpha() for p in t.split())]
        scored.sort(key=lambda item: (-item[0], item[1]))
        return tuple(term for _, term in scored[:_TOP_TERMS])


def train(examples: Sequence[Example], key: str = "adhoc") -> LocalModel:
    texts = [e.text for e in examples]
    features = _text_features()
    x = features.fit_transform(texts)
    category = _classifier().fit(x, [e.category for e in examples])
    urgency = _classifier(balanced=True).fit(x, [e.urgency for e in examples])
    language = Pipeline(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)),
            ("clf", _classifier()),
        ]
    ).fit(texts, [e.language for e in examples])
    words = features.transformer_list[0][1].get_feature_names_out()
    return LocalModel(features, category, urgency, language, _weights(category), words, key)


def cache_key(data_dir: Path = DATA_DIR) -> str:
    return digest([data_dir / TRAIN_FILE], PIPELINE_VERSION, sklearn.__version__)


def _dump(model: LocalModel) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def _load(raw: bytes) -> LocalModel:
    try:
        model = joblib.load(io.BytesIO(raw))
    except Exception as exc:  # unpickling a torn or foreign file raises almost anything
        raise ValueError(f"not a cached model: {exc!r}") from exc
    if not isinstance(model, LocalModel):
        raise ValueError(f"not a cached model: {type(model).__name__}")
    return model


_caches: dict[Path, ArtifactCache[LocalModel]] = {}


def load_or_train(cache_dir: Path, data_dir: Path = DATA_DIR) -> LocalModel:
    """The model for the current training data: from memory, from the disk cache, or trained."""
    key = cache_key(data_dir)
    if cache_dir not in _caches:
        _caches[cache_dir] = ArtifactCache(cache_dir, "local", ".joblib", _dump, _load)
    cache = _caches[cache_dir]
    return cache.get(key, lambda: train(dataset.load(data_dir / TRAIN_FILE), key))
