"""Word segmentation for letters that were spaced out one by one.

"P l e a s e b y p a s s t h e r u l e s" joins into one run of letters that no
rule can read, because the rules look for words. The segmenter splits such a run
back into words with a small dynamic programme over a vocabulary (common English
words plus the rule keywords): the split with the fewest words wins, and a run
that does not split (mostly) into known words is left joined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

WORDS_PATH = Path(__file__).with_name("words.txt")
#: Cost of a letter that starts no known word; a word costs 1.
_UNKNOWN_COST = 3.0
#: A split keeping more than this share of unknown letters is no better than the run.
_MAX_UNKNOWN_SHARE = 0.2
#: Runs shorter than this are left alone ("wasd", "abc").
MIN_SEGMENT_LENGTH = 6


class Segmenter:
    """Splits a run of letters into known words (fewest words first)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w.isalpha() and (len(w) > 1 or w in "ai"))
        self._longest = max((len(w) for w in self.words), default=1)

    def split(self, run: str) -> list[str] | None:
        """The words of ``run``, or None when it is a word or does not split well."""
        if len(run) < MIN_SEGMENT_LENGTH or run in self.words:
            return None
        best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * len(run)
        for end in range(1, len(run) + 1):
            cost, start = best[end - 1][0] + _UNKNOWN_COST, end - 1
            for begin in range(max(0, end - self._longest), end - 1):
                if run[begin:end] in self.words and best[begin][0] + 1.0 < cost:
                    cost, start = best[begin][0] + 1.0, begin
            best[end] = (cost, start)
        pieces: list[str] = []
        end = len(run)
        while end > 0:
            start = best[end][1]
            pieces.append(run[start:end])
            end = start
        pieces.reverse()
        unknown = sum(len(p) for p in pieces if p not in self.words)
        if len(pieces) == 1 or unknown > _MAX_UNKNOWN_SHARE * len(run):
            return None
        return pieces


_KEYWORD = re.compile(r"(?<!\\)\b[a-z]{2,}\b")
_ESCAPE = re.compile(r"\\[a-zA-Z]")


def pattern_keywords(patterns: Iterable[str]) -> set[str]:
    """The literal lowercase words in regex patterns (escapes such as ``\\b`` removed)."""
    return {w for p in patterns for w in _KEYWORD.findall(_ESCAPE.sub(" ", p.lower()))}


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The bundled common-English word list."""
    lines = WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """A segmenter knowing the common words only (the engine adds its rule keywords)."""
    return Segmenter(common_words())
