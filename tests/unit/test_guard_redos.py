"""No rule pattern backtracks catastrophically: a hostile message must not stall the guard.

Python's ``re`` cannot be interrupted, so one pattern that takes minutes on a
crafted 8,000-character message blocks the whole guard process. Every pattern
of the shipped rules runs on long repetitive inputs, raw and as shadow text;
linear patterns take milliseconds, so the one-second limit only trips on
quadratic or worse backtracking.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from services.guard import ciphers
from services.guard.engine import GuardEngine
from services.guard.normalize import normalize
from services.guard.rules import DEFAULT_RULES_PATH, expand_pattern, load_rules

LIMIT_S = 1.0

RAW = {
    "one long word": "a" * 8000,
    "spaced letters": "a " * 4000,
    "role word, then a long word": "system " + "a" * 7900,
    "newlines": "\n" * 8000,
    "letter per line": "a\n" * 4000,
    "identifier": "ab_" * 2600,
    "underscores": "_" * 8000,
    "keyword run": "trust" * 1600,
    "greetings": "hi " * 2600,
    "sentence ends": ". " * 4000,
    "colons": "a: " * 2600,
    "hyphens": "a-" * 4000,
    "zero-width": "a\u200b" * 4000,
}
INPUTS = {**RAW, **{f"shadow of {k}": normalize(v).text for k, v in RAW.items()}}
PATTERNS = [
    (rule.id, pattern) for rule in load_rules(DEFAULT_RULES_PATH).rules for pattern in rule.patterns
]


class TooSlow(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(_signum: int, _frame: object) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("rule_id", "pattern"), PATTERNS, ids=[f"{r}:{i}" for i, (r, _) in enumerate(PATTERNS)]
)
def test_pattern_runs_in_linear_time_on_hostile_input(rule_id: str, pattern: str) -> None:
    regex = re.compile(expand_pattern(pattern))
    for name, text in INPUTS.items():
        try:
            with time_limit(LIMIT_S):
                regex.search(text)
        except TooSlow:
            pytest.fail(f"{rule_id} takes over {LIMIT_S}s on {name!r}: {pattern}")


def test_a_space_after_a_repeated_token_is_a_required_separator() -> None:
    assert expand_pattern(r"(\w+ ){0,3}x") == r"(\w+\s){0,3}x"
    assert expand_pattern(r"(\S+ ){0,3}?x") == r"(\S+\s){0,3}?x"


def test_a_space_elsewhere_is_an_optional_single_whitespace() -> None:
    assert expand_pattern("ignore previous") == r"ignore\s?previous"
    assert expand_pattern(r"(all )?rules") == r"(all\s?)?rules"


def test_the_old_expansion_was_catastrophic_so_the_limit_can_trip() -> None:
    regex = re.compile(r"(^|\n)(\S+\s*){0,3}?(system)\s*(message)\s*:")
    with pytest.raises(TooSlow), time_limit(0.2):
        regex.search("a" * 8000)


#: Inputs shaped for the decoders' and the normaliser's patterns (numbers, Morse, escapes,
#: NATO words, hyphens).
DECODER_INPUTS = {
    **RAW,
    "one long number": "1" * 8000,
    "spaced digits": "1 " * 4000,
    "dashed numbers": "12-" * 2600,
    "morse": ".- " * 2600,
    "quoted-printable": "=41" * 2600,
    "hex escapes": "\\x41" * 2000,
    "entities": "&#65;" * 1600,
    "nato words": "alpha " * 1300,
    "emoji between letters": "a\U0001f3ae" * 4000,
    "regional letters": "\U0001f1e6 " * 2600,
    "right-to-left": "\u202e" + "ab " * 2600,
    "unknown words": "xyz " * 2000,
    "upper-case letters": "A" * 8000,
    "percent escapes": "%41 " * 2000,
    "hyphenated pieces": "ab-" * 2600 + "1",
}


@pytest.mark.parametrize("name", sorted(DECODER_INPUTS))
def test_payload_decoders_run_in_linear_time_on_hostile_input(name: str) -> None:
    engine = GuardEngine(load_rules(DEFAULT_RULES_PATH))
    text = DECODER_INPUTS[name]
    try:
        with time_limit(LIMIT_S):
            engine.check(text)
    except TooSlow:
        pytest.fail(f"the engine takes over {LIMIT_S}s on {name!r}")


def test_a_number_run_is_looked_for_only_from_its_first_digit() -> None:
    """Without the look-behind, every digit of a long number starts a quadratic retry."""
    slow = re.compile(r"(?:\d+(?:[ \t,]+|[ \t]*[-/][ \t]*)){5,}\d+")
    with pytest.raises(TooSlow), time_limit(0.2):
        slow.search("1" * 8000)
    with time_limit(0.2):
        assert ciphers._NUMBER_RUN.search("1" * 8000) is None
