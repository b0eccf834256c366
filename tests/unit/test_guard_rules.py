"""Guard rules: every shipped rule against its examples, and the loader's validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from services.guard.engine import GuardEngine
from services.guard.normalize import normalize
from services.guard.rules import (
    Detector,
    Matcher,
    RulesError,
    RuleSet,
    expand_pattern,
    load_rules,
)

RULES = load_rules()
ENGINE = GuardEngine(RULES)


def _examples(field: str) -> list[Any]:
    cases = []
    for rule in RULES.pattern_rules:
        assert rule.examples is not None
        for index, text in enumerate(getattr(rule.examples, field)):
            cases.append(pytest.param(rule.id, text, id=f"{rule.id}[{index}]"))
    return cases


def fired(text: str) -> set[str]:
    return {finding.rule_id for finding in ENGINE.check(text).findings}


@pytest.mark.parametrize(("rule_id", "text"), _examples("match"))
def test_rule_fires_on_its_positive_examples(rule_id: str, text: str) -> None:
    assert rule_id in fired(text)


@pytest.mark.parametrize(("rule_id", "text"), _examples("no_match"))
def test_rule_leaves_its_near_misses_alone(rule_id: str, text: str) -> None:
    assert rule_id not in fired(text)


@pytest.mark.parametrize(("rule_id", "text"), _examples("no_match"))
def test_near_misses_pass_the_guard(rule_id: str, text: str) -> None:
    assert ENGINE.check(text).verdict == "pass"


def test_every_detector_is_scored_by_the_shipped_rules() -> None:
    assert set(RULES.detectors) == set(get_args(Detector))


def test_weak_rules_cannot_flag_alone() -> None:
    """Amplifiers and weak rules stay under the default flag threshold on their own."""
    weak = [r for r in RULES.rules if r.severity == "low" or r.amplifier]
    assert weak
    assert all(rule.weight < ENGINE.flag_threshold for rule in weak)


# --- pattern conventions -------------------------------------------------------------


def test_a_space_matches_any_whitespace_or_none_in_the_shadow_text() -> None:
    matcher = Matcher.build(r"\bignore (all )?previous\b")
    for text in ("ignore previous", "ignore   all\nprevious", "ignoreallprevious"):
        assert list(matcher.spans(normalize(text).text, 5)), text


def test_spaces_inside_classes_and_escapes_stay_literal() -> None:
    assert expand_pattern(r"a[ b]\ c") == r"a[ b]\ c"


def test_literals_are_lowercased_but_escapes_are_not() -> None:
    assert expand_pattern(r"DAN\S+\W") == r"dan\S+\W"


def test_accents_in_patterns_are_folded_like_the_text() -> None:
    assert expand_pattern("précédentes") == "precedentes"


def test_leading_word_boundary_is_respected() -> None:
    matcher = Matcher.build(r"\bact as")
    assert list(matcher.spans("act as", 5)) == [(0, 6)]
    assert list(matcher.spans("contact as soon", 5)) == []
    assert list(matcher.spans("contact as, act as", 5)) == [(12, 18)]


def test_matches_are_bounded() -> None:
    assert len(list(Matcher.build("ab").spans("ab" * 50, 3))) == 3


# --- loader validation -----------------------------------------------------------------


def _rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "test.rule",
        "kind": "instruction_override",
        "severity": "high",
        "weight": 0.5,
        "patterns": [r"\bfoo\b"],
        "examples": {"match": ["foo"], "no_match": ["bar"]},
    }
    rule.update(overrides)
    return {k: v for k, v in rule.items() if v is not None}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([_rule(kind="made_up")], "kind"),
        ([_rule(severity="extreme")], "severity"),
        ([_rule(weight=-1)], "weight"),
        ([_rule(patterns=["(unclosed"])], "does not compile"),
        ([_rule(patterns=["x*"])], "matches the empty string"),
        ([_rule(examples=None)], "needs 'examples'"),
        ([_rule(detector="base64")], "not both"),
        ([_rule(patterns=None, examples=None)], "not both"),
        ([_rule(patterns=None, examples=None, detector="telepathy")], "detector"),
        ([_rule(), _rule()], "duplicate rule ids: test.rule"),
        ([_rule(unknown_field=1)], "unknown_field"),
        ([], "at least 1"),
    ],
)
def test_invalid_rules_fail_with_a_clear_message(
    tmp_path: Path, rules: list[dict[str, Any]], message: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "rules": rules}))
    with pytest.raises(RulesError) as error:
        load_rules(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_errors_name_the_rule_id(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "rules": [_rule(id="my.rule", kind="nope")]}))
    with pytest.raises(RulesError, match=r"rules\.0 \(my\.rule\)\.kind"):
        load_rules(path)


def test_missing_and_malformed_files_are_rules_errors(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [unclosed")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(broken)


def test_a_valid_minimal_rule_set_loads() -> None:
    rules = RuleSet.model_validate({"version": 1, "rules": [_rule()]})
    assert [r.id for r in rules.pattern_rules] == ["test.rule"]
    assert rules.detectors == {}
