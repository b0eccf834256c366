"""Guard rules as data: the model of ``rules.yaml`` and its loader.

A rule either lists regex ``patterns`` (matched against the normalised shadow
text, see :mod:`services.guard.normalize`) or names a built-in ``detector``
(evasion tricks, encoded payloads, truncation) whose scoring it configures.
Loading validates everything, compiles every pattern and fails with one clear
message, so a broken rules file stops the service at start-up rather than
letting it guard with half its rules.

Pattern conventions: a literal space matches any whitespace run, including none,
because the normaliser may have joined spaced-out words ("i g n o r e a l l");
accented letters in patterns are folded like the text, so both spellings match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Generic, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from schemas.tickets import Severity
from services.guard.normalize import fold_char

RuleKind = Literal[
    "instruction_override",
    "role_play_jailbreak",
    "fake_system_message",
    "authority_claim",
    "secret_extraction",
    "encoded_payload",
    "hidden_markup",
    "tool_manipulation",
    "output_manipulation",
    "obfuscation",
    "length",
]
#: Built-in detectors; the first five are the tricks :func:`normalize` reports.
Detector = Literal[
    "invisible",
    "tag_text",
    "mixed_script",
    "spaced_letters",
    "leetspeak",
    "base64",
    "hex",
    "url_encoded",
    "truncated",
]

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.yaml")


class RulesError(Exception):
    """The rules file is missing, not YAML, or does not validate."""


def expand_pattern(pattern: str) -> str:
    """A rule pattern as a regex for the shadow text.

    Each literal space outside ``[...]`` becomes ``\\s*``; unescaped letters are
    lowercased and non-ASCII ones folded like the shadow text (so "précédentes"
    and "Anweisungen" match), which spares ``re.IGNORECASE`` and its cost.
    """
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
            out.append(char)
            continue
        if char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == " ":
            out.append(r"\s*")
            continue
        out.append(char.lower() if char.isascii() else fold_char(char))
    return "".join(out)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


_META = frozenset("\\()[].*+?{}|^$")
_QUANTIFIERS = frozenset("?*{")


def _literal_prefix(regex: str) -> str:
    """The literal text every match of ``regex`` starts with ("" if none is certain)."""
    out: list[str] = []
    index = 0
    while index < len(regex):
        char = regex[index]
        if char == "\\" and index + 1 < len(regex) and not regex[index + 1].isalnum():
            char, width = regex[index + 1], 2
        elif char in _META:
            break
        else:
            width = 1
        if regex[index + width : index + width + 1] in _QUANTIFIERS:
            break  # this character is optional
        out.append(char)
        index += width
    return "".join(out)


def _top_level_alternatives(group: str) -> list[str] | None:
    """The ``|``-separated branches of the leading group of ``group``, if it is mandatory."""
    if not group.startswith("(") or group.startswith("(?"):
        return None
    depth, start, branches = 0, 1, []
    index = 0
    while index < len(group):
        char = group[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = group.index("]", index + 1) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                branches.append(group[start:index])
                optional = group[index + 1 : index + 2] in _QUANTIFIERS
                return None if optional else branches
        elif char == "|" and depth == 1:
            branches.append(group[start:index])
            start = index + 1
        index += 1
    return None


def required_needles(regex: str) -> tuple[str, ...]:
    """Literal strings one of which every match must start with; () when unknown.

    Used as a prefilter (see :class:`MatcherIndex`): most rules' leading words
    are absent from most tickets, and skipping a regex is far cheaper than running it.
    """
    branches = _top_level_alternatives(regex)
    if branches is None:
        prefix = _literal_prefix(regex)
        return (prefix,) if prefix else ()
    needles = tuple(_literal_prefix(branch) for branch in branches)
    return needles if all(needles) else ()


@dataclass(frozen=True)
class Matcher:
    """A compiled rule pattern.

    A leading ``\\b`` is checked here rather than by ``re``: it would stop ``re``
    from scanning for the pattern's first characters, which makes matching
    several times slower across all rules. ``needles`` are the literal strings
    one of which every match starts with (:func:`required_needles`).
    """

    regex: re.Pattern[str]
    boundary: bool
    needles: tuple[str, ...] = ()

    @classmethod
    def build(cls, pattern: str) -> Matcher:
        expanded = expand_pattern(pattern)
        boundary = expanded.startswith(r"\b")
        body = expanded[2:] if boundary else expanded
        return cls(re.compile(body), boundary=boundary, needles=required_needles(body))

    def spans(self, text: str, limit: int) -> Iterator[tuple[int, int]]:
        """Up to ``limit`` non-overlapping ``(start, end)`` matches, leftmost first."""
        position = found = 0
        while found < limit and (match := self.regex.search(text, position)):
            start, end = match.span()
            if self.boundary and not self._at_boundary(text, start):
                position = start + 1
                continue
            yield start, end
            found += 1
            position = max(end, start + 1)

    @staticmethod
    def _at_boundary(text: str, index: int) -> bool:
        before = index > 0 and _is_word(text[index - 1])
        after = index < len(text) and _is_word(text[index])
        return before != after


#: Needles are indexed by their first few word characters.
_KEY_LENGTH = 4
_WORD_RUN = re.compile(r"\w+")
_LEADING_WORD = re.compile(r"\w+")


T = TypeVar("T")


class MatcherIndex(Generic[T]):
    """Which matchers can match a text at all, found without running them.

    A matcher that starts at a word boundary with known needles can only match
    where a word begins with one of them, so it is indexed under the needles'
    leading word characters (up to ``_KEY_LENGTH``) and looked up from the
    prefixes of the text's words: a few set operations per text instead of a
    regex search per pattern. Other matchers with needles use a substring test;
    matchers without needles always run.
    """

    def __init__(self, entries: Sequence[tuple[T, Matcher]]) -> None:
        self._entries = list(entries)
        self._by_key: dict[str, set[int]] = {}
        self._substring: list[tuple[int, tuple[str, ...]]] = []
        self._always: list[int] = []
        for position, (_, matcher) in enumerate(self._entries):
            keys = [_index_key(needle) for needle in matcher.needles] if matcher.boundary else []
            if keys and all(keys):
                for key in keys:
                    self._by_key.setdefault(key, set()).add(position)
            elif matcher.needles:
                self._substring.append((position, matcher.needles))
            else:
                self._always.append(position)

    def candidates(self, text: str) -> list[tuple[T, Matcher]]:
        """The entries whose matcher may match ``text``, in their original order."""
        chosen = set(self._always)
        words = set(_WORD_RUN.findall(text))
        by_key = self._by_key
        for prefix in {word[:n] for word in words for n in range(1, _KEY_LENGTH + 1)}:
            if (hit := by_key.get(prefix)) is not None:
                chosen.update(hit)
        for position, needles in self._substring:
            if any(needle in text for needle in needles):
                chosen.add(position)
        return [self._entries[position] for position in sorted(chosen)]


def _index_key(needle: str) -> str:
    """The needle's leading word characters, at most ``_KEY_LENGTH``; "" if none."""
    match = _LEADING_WORD.match(needle)
    return match.group()[:_KEY_LENGTH] if match else ""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Examples(_Strict):
    """Texts the rule must fire on and benign near-misses it must leave alone (tested)."""

    match: list[str] = Field(min_length=1)
    no_match: list[str] = Field(min_length=1)


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    kind: RuleKind
    severity: Severity
    weight: float = Field(ge=0.0, le=5.0, description="score added once when the rule fires")
    description: str = ""
    amplifier: bool = Field(
        default=False,
        description="counts (and is reported) only alongside a finding of a non-amplifier rule",
    )
    patterns: list[str] = Field(default_factory=list)
    detector: Detector | None = None
    examples: Examples | None = None

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                compiled = re.compile(expand_pattern(pattern))
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from exc
            if compiled.search(""):
                raise ValueError(f"pattern {pattern!r} matches the empty string")
        return patterns

    @model_validator(mode="after")
    def _one_source(self) -> Rule:
        if bool(self.patterns) == (self.detector is not None):
            raise ValueError("a rule needs either 'patterns' or a 'detector', not both")
        if self.patterns and self.examples is None:
            raise ValueError("a pattern rule needs 'examples' (match and no_match)")
        return self

    @cached_property
    def matchers(self) -> tuple[Matcher, ...]:
        return tuple(Matcher.build(p) for p in self.patterns)


class RuleSet(_Strict):
    version: Literal[1]
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        ids: list[str] = [r.id for r in self.rules]
        detectors: list[str] = [r.detector for r in self.rules if r.detector]
        for label, values in (("rule id", ids), ("detector", detectors)):
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"duplicate {label}s: {', '.join(duplicates)}")
        return self

    @property
    def pattern_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.patterns]

    @property
    def detectors(self) -> dict[Detector, Rule]:
        return {r.detector: r for r in self.rules if r.detector}


def _describe(exc: ValidationError, data: object) -> str:
    """One line per error, naming the rule by its id where there is one."""
    rules = data.get("rules") if isinstance(data, dict) else None
    lines = []
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        if len(loc) > 1 and loc[0] == "rules" and isinstance(rules, list):
            index = int(loc[1])
            rule = rules[index] if index < len(rules) else None
            rule_id = rule.get("id") if isinstance(rule, dict) else None
            loc[1] = f"{index} ({rule_id})" if rule_id else loc[1]
        lines.append(f"  {'.'.join(loc)}: {error['msg']}")
    return "\n".join(lines)


def load_rules(path: Path = DEFAULT_RULES_PATH) -> RuleSet:
    """Read and validate a rules file; any problem raises :class:`RulesError` naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"cannot read guard rules {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"guard rules {path} are not valid YAML: {exc}") from exc
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RulesError(f"guard rules {path} are invalid:\n{_describe(exc, data)}") from exc
