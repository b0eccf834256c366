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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Generic, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from schemas.tickets import Severity
from services.guard.encoded import Encoding
from services.guard.normalize import TrickKind, fold_char

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
#: Built-in detectors: the tricks :func:`normalize` reports, the payload encodings the
#: engine decodes (``encoded.py``, ``ciphers.py``), and truncation of an over-long text.
Detector = Literal[TrickKind, Encoding, "truncated"]

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.yaml")


class RulesError(Exception):
    """The rules file is missing, not YAML, or does not validate."""


def expand_pattern(pattern: str) -> str:
    """A rule pattern as a regex for the shadow text.

    Each literal space outside ``[...]`` becomes ``\\s?`` (words may be run
    together; the shadow text has collapsed every whitespace run to one
    character, so ``\\s*`` would match nothing more, only backtrack more), except
    after a repeated token such as ``\\w+`` or ``\\S+``, where it becomes ``\\s``:
    an optional separator there would let ``(\\w+ ){0,3}`` split one long word in
    every possible way, a catastrophic backtrack on adversarial input.
    Unescaped letters are lowercased and non-ASCII ones folded like the shadow
    text (so "précédentes" and "Anweisungen" match), which spares
    ``re.IGNORECASE`` and its cost.
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
            out.append(r"\s" if out and out[-1] == "+" else r"\s?")
            continue
        out.append(char.lower() if char.isascii() else fold_char(char))
    return "".join(out)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


#: Maximal runs of word characters: a needle made of word characters lies inside one.
_WORD_RUN = re.compile(r"\w+")
#: An exact set larger than this is cut: the run before it becomes one requirement.
_MAX_EXACT = 64
#: A character class counts as exact (its characters) up to this size ("authori[sz]ed").
_MAX_CLASS = 3
#: Requirements kept per pattern (the most selective ones).
_MAX_CLAUSES = 4
_NOTHING: frozenset[str] = frozenset({""})

#: A requirement: strings one of which every match contains.
Clause = frozenset[str]


@dataclass(frozen=True)
class _Info:
    """What a regex node matches: ``exact`` every string (when few) and ``needs``.

    Every match contains one string of each clause in ``needs`` (empty: nothing certain).
    """

    exact: frozenset[str] | None = None
    needs: tuple[Clause, ...] = ()


_UNKNOWN = _Info()


def _cost(clause: Clause) -> float:
    """How often a clause is expected to hold on benign text: short strings are common."""
    return sum(4.0 ** -min(len(s), 8) for s in clause)


def _piece(needle: str) -> str:
    """``needle``, or its longest word run if it mixes word and other characters.

    A substring is as certain as the needle, and needles of one kind are cheaper
    to look for (:class:`MatcherIndex`): '"system"' and "system:" become "system".
    """
    pieces = _WORD_RUN.findall(needle)
    return needle if not pieces or pieces == [needle] else max(pieces, key=len)


def _clauses(candidates: Iterable[Clause]) -> tuple[Clause, ...]:
    """The usable clauses, simplified, most selective first, at most ``_MAX_CLAUSES``."""
    usable = [frozenset(map(_piece, c)) for c in candidates if c and "" not in c]
    # A string containing another one of its clause adds nothing to the requirement.
    reduced = {frozenset(s for s in c if not any(o != s and o in s for o in c)) for c in usable}
    return tuple(sorted(reduced, key=lambda c: (_cost(c), sorted(c)))[:_MAX_CLAUSES])


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Info:
    """A concatenation: adjacent exact parts combine into longer literals."""
    candidates: list[Clause] = []
    run: frozenset[str] = _NOTHING
    exact = True
    for op, arg in items:
        info = _node(op, arg)
        if info.exact is not None and len(run) * len(info.exact) <= _MAX_EXACT:
            run = frozenset(a + b for a in run for b in info.exact)
            continue
        exact = False
        candidates.append(run)
        run = info.exact if info.exact is not None else _NOTHING
        candidates.extend(info.needs)
    candidates.append(run)
    return _Info(run if exact else None, _clauses(candidates))


def _node(op: Any, arg: Any) -> _Info:
    if op is _c.LITERAL:
        return _Info(frozenset({chr(arg)}))
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _Info(_NOTHING)  # zero-width: the surrounding literals stay adjacent
    if op is _c.IN:
        return _Info(_class_chars(arg))
    if op is _c.SUBPATTERN:
        _, add_flags, _, pattern = arg
        return _UNKNOWN if add_flags & re.IGNORECASE else _sequence(pattern)
    if op is _c.ATOMIC_GROUP:
        return _sequence(arg)
    if op is _c.BRANCH:
        return _branch([_sequence(branch) for branch in arg[1]])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, pattern = arg
        inner = _sequence(pattern)
        if low == 0:
            return _Info(inner.exact | _NOTHING if high == 1 and inner.exact is not None else None)
        if low == high == 1:
            return inner
        return _Info(None, inner.needs)
    return _UNKNOWN  # any character, categories, back-references: nothing certain


def _branch(branches: list[_Info]) -> _Info:
    """An alternation: exact if every branch is; else one clause, each branch's best."""
    exacts = [b.exact for b in branches if b.exact is not None]
    union = frozenset[str]().union(*exacts) if len(exacts) == len(branches) else None
    if union is not None and len(union) <= _MAX_EXACT:
        return _Info(union, _clauses([union]))
    if not all(b.needs for b in branches):
        return _UNKNOWN
    return _Info(None, _clauses([frozenset[str]().union(*(b.needs[0] for b in branches))]))


def _class_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is _c.LITERAL:
            chars.add(chr(arg))
        elif op is _c.RANGE and arg[1] - arg[0] < _MAX_CLASS:
            chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
        else:
            return None  # negated, a category or a wide range
    return frozenset(chars) if len(chars) <= _MAX_CLASS else None


def required_literals(regex: re.Pattern[str]) -> tuple[Clause, ...]:
    """Clauses of literal strings: every match contains one string of each clause.

    Derived from the parsed regex (literal runs, alternations, mandatory repeats),
    so they hold for any pattern; empty when nothing is certain. The most
    selective clause comes first.
    """
    if regex.flags & re.IGNORECASE:
        return ()
    return _sequence(_parser.parse(regex.pattern, regex.flags)).needs


@dataclass(frozen=True)
class Matcher:
    """A compiled rule pattern.

    A leading ``\\b`` is checked here rather than by ``re``: it would stop ``re``
    from scanning for the pattern's first characters, which makes matching
    several times slower across all rules. Every match contains one string of
    each clause in ``needs`` (:func:`required_literals`).
    """

    regex: re.Pattern[str]
    boundary: bool
    needs: tuple[Clause, ...] = ()

    @classmethod
    def build(cls, pattern: str) -> Matcher:
        expanded = expand_pattern(pattern)
        boundary = expanded.startswith(r"\b")
        regex = re.compile(expanded[2:] if boundary else expanded)
        return cls(regex, boundary=boundary, needs=required_literals(regex))

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


T = TypeVar("T")


#: Distinct words whose needles are remembered; the memo is cleared when it is full.
_WORD_MEMO_SIZE = 50_000


@dataclass(frozen=True)
class _Found:
    """What needles found in a text imply: the matchers whose first clause they
    satisfy, and a bit per clause they satisfy."""

    selects: frozenset[int]
    clauses: int


class MatcherIndex(Generic[T]):
    """Which matchers can match a text at all, found without running them.

    A matcher runs only if every clause of its ``needs`` has a needle in the text.
    A needle made of word characters can only occur inside one of the text's
    word runs, so needles are looked for per distinct word, and what a word
    implies is remembered (the same vocabulary recurs from ticket to ticket): the
    matchers whose first clause it satisfies, and a bit mask of the clauses it
    satisfies. A word is searched with one regex for all needles (a trie in a
    lookahead: the longest needle starting at each position, which stands for
    the needles it contains). Needles without word characters ("<!--") are
    substring tests. Matchers without needs always run.
    """

    def __init__(self, entries: Sequence[tuple[T, Matcher]]) -> None:
        self._entries = list(entries)
        self._always = frozenset(p for p, (_, m) in enumerate(self._entries) if not m.needs)
        bits: dict[Clause, int] = {}
        for _, matcher in self._entries:
            for clause in matcher.needs:
                bits.setdefault(clause, 1 << len(bits))
        self._masks = [sum({bits[c] for c in m.needs}) for _, m in self._entries]
        needles = {n for clause in bits for n in clause}
        self._implies = {
            needle: _Found(
                frozenset(
                    p for p, (_, m) in enumerate(self._entries) if m.needs and needle in m.needs[0]
                ),
                sum(bit for clause, bit in bits.items() if needle in clause),
            )
            for needle in needles
        }
        words = {n for n in needles if _WORD_RUN.fullmatch(n)}
        self._punctuation = sorted(needles - words)  # no word characters (see _piece)
        self._contained = {found: [n for n in words if n in found] for found in words}
        self._scanner = re.compile(f"(?=({_trie(words)}))") if words else None
        # What each word seen so far implies; most words imply nothing.
        self._hits: dict[str, _Found] = {}
        self._misses: set[str] = set()

    def candidates(self, text: str) -> list[tuple[T, Matcher]]:
        """The entries whose matcher may match ``text``, in their original order."""
        words = set(_WORD_RUN.findall(text))
        hits = self._hits
        known = hits.keys() & words
        found = [hits[word] for word in known]
        for word in words.difference(known).difference(self._misses):
            if (learned := self._learn(word)) is not None:
                found.append(learned)
        found.extend(self._implies[n] for n in self._punctuation if n in text)
        selects = frozenset[int]().union(*[f.selects for f in found])
        clauses = 0
        for f in found:
            clauses |= f.clauses
        masks = self._masks
        chosen = [p for p in selects if masks[p] & clauses == masks[p]]
        return [self._entries[p] for p in sorted(self._always.union(chosen))]

    def _learn(self, word: str) -> _Found | None:
        """Find and remember what the needles inside ``word`` imply (None: nothing)."""
        if len(self._hits) + len(self._misses) >= _WORD_MEMO_SIZE:
            # Replaced, never cleared: a concurrent caller keeps a consistent old memo.
            self._hits, self._misses = {}, set()
        needles = set()
        if self._scanner is not None:
            needles = {n for f in self._scanner.findall(word) for n in self._contained[f]}
        if not needles:
            self._misses.add(word)
            return None
        implied = [self._implies[n] for n in needles]
        clauses = 0
        for found in implied:
            clauses |= found.clauses
        learned = _Found(frozenset[int]().union(*(f.selects for f in implied)), clauses)
        self._hits[word] = learned
        return learned


def _trie(words: Iterable[str]) -> str:
    """A regex matching the longest of ``words`` that starts where it is tried."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return build(root)


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
