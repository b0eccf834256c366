"""Normalisation before matching: one canonical "shadow" of the text for the rules.

Attackers dodge keyword rules with look-alike characters, invisible characters,
spaced-out letters and leetspeak. The rules therefore match a shadow text that
undoes those tricks (lowercase, accent-free, Latin look-alikes folded, spaced
letters joined, leetspeak folded, whitespace collapsed), while ``origin`` maps
every shadow character back to its character in the original text, so findings
can point at the original span. The tricks themselves are reported too: they are
weak evidence on their own but strengthen other findings.

Steps, in order (each keeps ``origin`` in step):

1. per character: NFKC, lowercase, strip combining marks; drop invisible/format
   characters; decode Unicode tag characters (hidden ASCII) into visible text;
2. fold Cyrillic/Greek look-alikes in words made only of Latin letters and
   look-alikes (so Russian or Greek words stay untouched);
3. join runs of single characters split by one repeated separator ("i g n o r e"),
   and hyphenated pieces that only together make a known word ("sys-tem");
4. fold leetspeak in tokens that mix letters with leet symbols ("1gn0r3"), except
   names, quantities and hex ("ps5", "base64", "16gb", "0x80070005");
5. collapse whitespace runs to one space (or one newline).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from services.guard.segment import Segmenter, default_segmenter

TrickKind = Literal["invisible", "tag_text", "mixed_script", "spaced_letters", "leetspeak"]

#: Latin look-alikes from Cyrillic, Greek and IPA/Latin extensions (after lowercasing).
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    # Latin extensions that read as plain letters
    "ı": "i", "ȷ": "j", "ɑ": "a", "ʟ": "l", "ɪ": "i", "ᴏ": "o", "ꜱ": "s",
}  # fmt: skip
#: Greek capitals whose lowercase no longer looks like the Latin letter ("ΝΥΜΗ" reads
#: "NYMH", "νυμη" does not), folded from the original character instead.
UPPER_CONFUSABLES: dict[str, str] = {"Η": "h", "Μ": "m", "Ν": "n", "Υ": "y", "Ζ": "z"}

#: Leetspeak symbols and the letters they stand for.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
}  # fmt: skip
_LEET_TABLE = str.maketrans(LEET)

#: Characters that render as nothing but are not Unicode format (Cf) characters.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007E  # tag characters mirroring printable ASCII
_TAG_BLOCK = range(0xE0000, 0xE0080)
_BLACK_FLAG = "\U0001f3f4"  # subdivision flags (England, Scotland) use tag characters

_WORD = re.compile(r"[^\W\d_]+")
#: Separator characters between spaced-out letters.
_SEPARATORS = " .\\-_*~+|/·•"
#: Single characters split by separator runs ("p l e a s e  b y p a s s", "m-e y-o-u").
_SPACED = re.compile(
    rf"(?<![^\W_])[^\W_](?:[{_SEPARATORS}]{{1,3}}[^\W_])+(?:[{_SEPARATORS}](?![^\W_]))?"
    r"(?![^\W_])"
)
_SPACED_LETTER = re.compile(r"[^\W_]")
#: Words cut by hyphens ("sys-tem pro-mpt"); ASCII letters only.
_HYPHENATED = re.compile(r"(?<![\w-])[a-z]+(?:-[a-z]+)+(?![\w-])")
#: A "!" counts as a letter before or inside a token ("!gn0re", "prev!ous"), not after it ("hi!").
_TOKEN = re.compile(r"!?[\w@$]+(?:!+[\w@$]+)*")
#: Token characters. A token never crosses the ends of a run of them, so tokenising
#: only the runs that hold a leet symbol finds every token that can be leetspeak.
_TOKEN_CHARS = re.compile(r"[\w@$!]*")
_LETTER = re.compile(r"[a-z]")
#: Tokens that are not leetspeak: names (ps5, gta5, win10, base64; but "th3", "rul35" are),
#: quantities with units and ordinals (16gb, 144hz, 500k, 22nd; not "4ll", "53nd") and
#: hex ids (0x8007, d3b07384; not the short "acce55").
_NOT_LEET = re.compile(
    r"[a-z]{2,}\d*[2689]\d*|win\d+|rot13|[a-z]{1,3}[124-9]|0x[0-9a-f]+|[0-9a-f]{8,}"
    r"|\d*1st|\d*2nd|\d*3rd|\d+th"
    r"|\d{2,}(?:k|m|b|gb|mb|kb|tb|hz|fps|ms|s|h|x|p|km|kg|lbs?|mm|cm|v|w|mah|mhz|ghz"
    r"|mins?|hrs?|pc|hp|xp|dmg|d|y|g|am|pm)"
)
#: Leetspeak spells words; longer tokens are ids, hashes or encoded blobs.
_MAX_LEET_TOKEN = 24
_LEET_CHARS = re.compile(r"[013457@$!]")
#: Numbers that read as words in leetspeak ("70" to, "17" it, "4" a).
_SHORT_LEET_NUMBER = re.compile(r"[013457]{1,3}")
#: Leet tokens from which a text counts as written in leetspeak.
_HEAVY_LEET_TOKENS = 3
#: Whitespace runs other than a single space or newline (the ones collapsing changes).
_WHITESPACE = re.compile(r"\s(?<!\s\s)(?:(?<=[^\S \n])|(?=\s))\s*")
_LINE_BREAKS = frozenset("\n\r\v\f\x85\u2028\u2029")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Trick:
    """An evasion technique seen in the text, with its span in the original text."""

    kind: TrickKind
    start: int
    end: int


@dataclass(frozen=True)
class Normalized:
    """The shadow text; ``origin[i]`` is the original index of ``text[i]``."""

    text: str
    origin: Sequence[int]
    tricks: tuple[Trick, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of the shadow span ``[start, end)`` (non-empty)."""
        return self.origin[start], self.origin[end - 1] + 1


def _is_invisible(ch: str) -> bool:
    """Renders as nothing: format characters (zero-width, bidi), controls, blank fillers."""
    if ch in _INVISIBLE:
        return True
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and not ch.isspace())


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """NFKC, lowercase, no combining marks; "" for characters that render as nothing."""
    if _is_invisible(ch):
        return ""
    if ch.isspace():
        return ch
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", ch).lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


class _SimpleFolds(dict[int, str]):
    """A ``str.translate`` table: each character's fold if that is exactly one character.

    Characters folding to nothing or to several characters, and tag characters, map
    to "", so a translation as long as its text shows that per-character folding
    is one-to-one there and needs no origin map. Filled on demand, up to a bound.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = char.lower() if char.isascii() and char.isprintable() else fold_char(char)
        simple = folded if len(folded) == 1 and code not in _TAG_BLOCK else ""
        if len(self) < _SIMPLE_FOLDS_SIZE:
            self[code] = simple
        return simple


_SIMPLE_FOLDS_SIZE = 20_000
_SIMPLE_FOLDS = _SimpleFolds()


def _is_ascii_alnum(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isascii() and text[index].isalnum()


def _fold_chars(text: str, tricks: list[Trick]) -> tuple[str, Sequence[int]]:
    """Step 1: per-character folding, dropping invisibles and decoding tag characters."""
    if text.isascii():
        lowered = text.lower()
        if not _ASCII_CONTROL.search(lowered):
            return lowered, range(len(text))
    else:
        folded = text.translate(_SIMPLE_FOLDS)
        if len(folded) == len(text):  # every character folded to exactly one
            return folded, range(len(text))
    chars: list[str] = []
    origin: list[int] = []
    index, length = 0, len(text)
    while index < length:
        ch = text[index]
        if ord(ch) in _TAG_BLOCK:
            index = _decode_tags(text, index, chars, origin, tricks)
            continue
        folded = ch.lower() if ch.isascii() and ch.isprintable() else fold_char(ch)
        if folded:
            chars.append(folded)
            origin.extend([index] * len(folded))
            index += 1
            continue
        run_end = index + 1
        while (
            run_end < length
            and ord(text[run_end]) not in _TAG_BLOCK
            and not fold_char(text[run_end])
        ):
            run_end += 1
        between_letters = _is_ascii_alnum(text, index - 1) and _is_ascii_alnum(text, run_end)
        if between_letters and any(_is_invisible(c) for c in text[index:run_end]):
            tricks.append(Trick("invisible", index, run_end))
        index = run_end
    return "".join(chars), origin


def _decode_tags(
    text: str, start: int, chars: list[str], origin: list[int], tricks: list[Trick]
) -> int:
    """Decode a run of tag characters into the ASCII they mirror; return the run's end."""
    end = start
    while end < len(text) and ord(text[end]) in _TAG_BLOCK:
        end += 1
    if start > 0 and text[start - 1] == _BLACK_FLAG:
        return end  # an emoji subdivision flag, not hidden text
    decoded = False
    for index in range(start, end):
        code = ord(text[index])
        if _TAG_FIRST <= code <= _TAG_LAST:
            chars.append(chr(code - 0xE0000).lower())
            origin.append(index)
            decoded = True
    if decoded:
        tricks.append(Trick("tag_text", start, end))
    return end


def _rewrite(
    text: str,
    origin: Sequence[int],
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], list[tuple[str, int]] | str | None],
) -> tuple[str, Sequence[int]]:
    """Rewrite every match, keeping ``origin`` in step.

    ``replace`` returns the characters to write with their match-relative origin,
    a replacement string (mapped to the match start), or None to leave it alone.
    """
    pieces: list[str] = []
    new_origin: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        replacement = replace(match)
        if replacement is None:
            continue
        start, end = match.span()
        pieces.append(text[last:start])
        new_origin.extend(origin[last:start])
        if isinstance(replacement, str):
            pieces.append(replacement)
            new_origin.extend([origin[start]] * len(replacement))
        else:
            pieces.append("".join(char for char, _ in replacement))
            new_origin.extend(origin[start + i] for _, i in replacement)
        last = end
    if last == 0 and not pieces:
        return text, origin
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(pieces), new_origin


def _fold_confusables(text: str, origin: Sequence[int], tricks: list[Trick], source: str) -> str:
    """Step 2: fold look-alikes inside words made only of ASCII letters and look-alikes
    (``source``: the original text, whose capitals decide some look-alikes)."""
    if text.isascii():
        return text

    def fold(match: re.Match[str]) -> str | None:
        word = match.group()
        if word.isascii():
            return None
        start, end = match.span()
        letters = []
        for index, char in enumerate(word, start):
            latin = UPPER_CONFUSABLES.get(source[origin[index]]) or CONFUSABLES.get(char)
            if latin is None and not char.isascii():
                return None
            letters.append(latin or char)
        if any(c.isascii() for c in word):
            tricks.append(Trick("mixed_script", origin[start], origin[end - 1] + 1))
        return "".join(letters)

    folded, _ = _rewrite(text, origin, _WORD, fold)  # one-to-one: origin is unchanged
    return folded


def _join_spaced(
    text: str, origin: Sequence[int], tricks: list[Trick], segmenter: Segmenter
) -> tuple[str, Sequence[int]]:
    """Step 3: "i g n o r e" -> "ignore"; "p l e a s e  b y p a s s" -> "please bypass".

    The most common separator run in a match is the gap between letters; any other
    run is a gap between words. A piece with no word gaps ("p l e a s e b y p a s s")
    is re-split into words by ``segmenter``.
    """

    def join(match: re.Match[str]) -> list[tuple[str, int]] | None:
        chunk = match.group()
        letters = [m.start() for m in _SPACED_LETTER.finditer(chunk)]
        gaps = [chunk[a + 1 : b] for a, b in zip(letters, letters[1:], strict=False)]
        letter_gap = max(gaps, key=gaps.count)  # ties: the first one, deterministically
        if len(letters) < 3 or (len(letters) < 4 and len(set(gaps)) > 1):
            return None
        start, end = match.span()
        tricks.append(Trick("spaced_letters", origin[start], origin[end - 1] + 1))
        pieces: list[list[int]] = [[letters[0]]]
        for gap, index in zip(gaps, letters[1:], strict=True):
            if gap == letter_gap:
                pieces[-1].append(index)
            else:
                pieces.append([index])
        out: list[tuple[str, int]] = []
        for piece in pieces:
            if out:
                out.append((" ", piece[0]))
            word = "".join(chunk[i] for i in piece)
            positions = iter(piece)
            for number, part in enumerate(segmenter.split(word) or [word]):
                for offset, char in enumerate(part):
                    index = next(positions)
                    if number and not offset:
                        out.append((" ", index))
                    out.append((char, index))
        return out

    return _rewrite(text, origin, _SPACED, join)


def _join_hyphenated(
    text: str, origin: Sequence[int], segmenter: Segmenter
) -> tuple[str, Sequence[int]]:
    """Step 3b: "rev-eal your sys-tem pro-mpt" -> "reveal your system prompt": pieces
    joined when together they make a known word and apart they do not."""
    if "-" not in text:
        return text, origin

    def join(match: re.Match[str]) -> list[tuple[str, int]] | None:
        pieces = match.group().split("-")
        word = "".join(pieces)
        if word not in segmenter.words or all(piece in segmenter.words for piece in pieces):
            return None
        return [(char, i) for i, char in enumerate(match.group()) if char != "-"]

    return _rewrite(text, origin, _HYPHENATED, join)


def _fold_leet(text: str, origin: Sequence[int], tricks: list[Trick]) -> str:
    """Step 4: fold leet symbols in tokens that also contain letters ("pr0mpt" -> "prompt").

    In a text that is plainly leetspeak (several such tokens), the ambiguous tokens
    are folded too: short numbers ("70" -> "to") and name-like ones ("wha7").
    """
    tokens = [
        token for start, end in _leet_runs(text) for token in _TOKEN.finditer(text, start, end)
    ]
    kinds = [_leet_kind(token, text) for token in tokens]
    heavy = kinds.count("leet") >= _HEAVY_LEET_TOKENS
    pieces: list[str] = []
    last = 0
    for token, kind in zip(tokens, kinds, strict=True):
        if kind == "leet" or (heavy and kind == "ambiguous"):
            start, end = token.span()
            tricks.append(Trick("leetspeak", origin[start], origin[end - 1] + 1))
            pieces += (text[last:start], token.group().translate(_LEET_TABLE))
            last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)  # one-to-one: origin is unchanged


def _leet_runs(text: str) -> Iterator[tuple[int, int]]:
    """The maximal runs of token characters that hold a leet symbol, left to right."""
    backwards = ""
    position = 0
    while leet := _LEET_CHARS.search(text, position):
        if not backwards:
            backwards = text[::-1]  # the run before the symbol is measured with one match
        before = _run_end(backwards, len(text) - leet.start()) - (len(text) - leet.start())
        position = _run_end(text, leet.start())
        yield leet.start() - before, position


def _run_end(text: str, index: int) -> int:
    """Where the run of token characters from ``index`` ends."""
    match = _TOKEN_CHARS.match(text, index)
    return match.end() if match else index


def _leet_kind(match: re.Match[str], text: str) -> Literal["leet", "ambiguous"] | None:
    """Whether a token is leetspeak ("leet") or leetspeak only in a leet text ("ambiguous")."""
    token = match.group()
    if not _LEET_CHARS.search(token) or len(token) > _MAX_LEET_TOKEN:
        return None
    if not _LETTER.search(token):
        return "ambiguous" if _SHORT_LEET_NUMBER.fullmatch(token) else None
    if "@" in token and text.startswith(".", match.end()):
        return None  # an email address
    if token.startswith("@") or _NOT_LEET.fullmatch(token):
        return "ambiguous"  # a mention (@everyone), a name (ps5) or a quantity (16gb)
    return "leet"


def _collapse_whitespace(text: str, origin: Sequence[int]) -> tuple[str, Sequence[int]]:
    """Step 5: a whitespace run becomes "\\n" if it breaks a line, else one space."""

    def collapse(match: re.Match[str]) -> str:
        return "\n" if any(c in _LINE_BREAKS for c in match.group()) else " "

    return _rewrite(text, origin, _WHITESPACE, collapse)


def normalize(text: str, segmenter: Segmenter | None = None) -> Normalized:
    """The shadow text of ``text`` for rule matching, with its map back to ``text``.

    ``segmenter`` re-splits letters spaced out one by one into words; by default it
    knows common English words only (the engine adds its rule keywords).
    """
    tricks: list[Trick] = []
    shadow, origin = _fold_chars(text, tricks)
    shadow = _fold_confusables(shadow, origin, tricks, text)
    segmenter = segmenter or default_segmenter()
    shadow, origin = _join_spaced(shadow, origin, tricks, segmenter)
    shadow, origin = _join_hyphenated(shadow, origin, segmenter)
    shadow = _fold_leet(shadow, origin, tricks)
    shadow, origin = _collapse_whitespace(shadow, origin)
    return Normalized(shadow, origin, tuple(tricks))
