"""The matcher prefilter: what it requires of a text, and that it never hides a match."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from services.guard import rules as rules_module
from services.guard.engine import GuardEngine
from services.guard.normalize import normalize
from services.guard.rules import Matcher, MatcherIndex, load_rules, required_literals

DATA = Path(rules_module.__file__).with_name("data")


def needs(regex: str) -> list[set[str]]:
    return [set(clause) for clause in required_literals(re.compile(regex))]


@pytest.mark.parametrize(
    ("regex", "clause"),
    [
        (r"(ignore|disregard)\s*all", {"ignore", "disregard"}),
        (r"jail\s?break", {"break"}),
        (r"auto[- ]?approve", {"approve"}),
        (r"instructions?", {"instruction"}),  # "instructions" holds "instruction"
        (r"authori[sz]ed", {"authorised", "authorized"}),  # small classes are spelt out
        (r"(the\s*)?(rules|filters)", {"rules", "filters"}),  # optional parts are skipped
        (r"(^|\n)system", {"system"}),  # zero-width and short alternatives are not needed
        (r"(?<!-)-{3,}\s*end", {"end"}),
        (r"<\|(im_start|system)\|>", {"im_start", "system"}),  # the word inside punctuation
        (r"<!--[\s\S]{0,20}-->", {"<!--"}),
    ],
)
def test_the_most_selective_requirement_comes_first(regex: str, clause: set[str]) -> None:
    assert needs(regex)[0] == clause


def test_every_mandatory_part_is_a_requirement() -> None:
    assert needs(r"(ignore|forget)\s*(previous|prior)\s*instructions") == [
        {"instructions"},
        {"forget", "ignore"},
        {"previous", "prior"},
    ]


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\w+", []),
        (r"[a-z]{3,}", []),
        (r"(?i:ignore)", []),
        (r"x*y?", []),
        (r"(a|\w+)b", [{"b"}]),  # one branch is unknown: only the last letter is certain
        (r"(ab)\1", [{"ab"}]),  # the back-reference adds nothing certain
    ],
)
def test_only_what_is_certain_is_required(regex: str, expected: list[set[str]]) -> None:
    assert needs(regex) == expected


def test_a_case_insensitive_pattern_requires_nothing() -> None:
    assert required_literals(re.compile("ignore", re.IGNORECASE)) == ()


def test_the_index_only_skips_matchers_that_cannot_match() -> None:
    ignore = Matcher.build(r"\bignore (all )?previous\b")
    tag = Matcher.build(r"<\|system\|>")
    anywhere = Matcher.build(r"(^|\n)[\W_]*(system|admin) :")
    loose = Matcher.build(r"\w+ says")
    index = MatcherIndex(
        [("ignore", ignore), ("tag", tag), ("anywhere", anywhere), ("loose", loose)]
    )
    assert [name for name, _ in index.candidates("please ignoreall previous")] == ["ignore"]
    assert [name for name, _ in index.candidates("x <|system|> y")] == ["tag"]
    assert [name for name, _ in index.candidates("admin: do it")] == ["anywhere"]
    assert [name for name, _ in index.candidates("ignore it, he says")] == ["loose"]
    assert [name for name, _ in index.candidates("my gems")] == []


def test_the_index_finds_needles_inside_longer_words_and_after_a_memo_reset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unban = Matcher.build(r"(un)?ban\s*me")
    index = MatcherIndex([("unban", unban)])
    monkeypatch.setattr(rules_module, "_WORD_MEMO_SIZE", 2)
    for _ in range(3):  # the memo fills up and is replaced on the way
        for text in ("pls unbanme", "urban meme", "banme", "turban"):
            expected = ["unban"] if "ban" in text and "me" in text else []
            assert [name for name, _ in index.candidates(text)] == expected, text


def _texts() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for split in ("dev", "test")
        for line in (DATA / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for rule in load_rules().pattern_rules:
        assert rule.examples is not None
        texts += rule.examples.match + rule.examples.no_match
    rng = random.Random(5)
    words = [w for text in texts[::50] for w in text.split()]
    texts += [" ".join(rng.choices(words, k=rng.randint(3, 30))) for _ in range(300)]
    return texts


def test_no_shipped_pattern_matches_a_text_the_index_skipped_it_for() -> None:
    """Over the whole corpus, every rule example and word salads of both."""
    engine = GuardEngine(load_rules())
    entries = [(rule.id, m) for rule in engine.rules.pattern_rules for m in rule.matchers]
    index = MatcherIndex(entries)
    checked = 0
    for text in _texts():
        shadow = normalize(text, engine._segmenter).text
        chosen = {id(matcher) for _, matcher in index.candidates(shadow)}
        for rule_id, matcher in entries:
            if id(matcher) not in chosen:
                assert not next(matcher.spans(shadow, 1), None), (rule_id, text[:200])
                checked += 1
    assert checked > 100_000
