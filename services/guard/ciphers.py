"""Ciphers and spelled-out codes that a keyword rule cannot read.

``encoded.py`` finds blobs with a fixed alphabet (base64, hex, ...). The codes here
look like prose or punctuation instead: Caesar shifts (rot13 and the other 24),
Atbash, reversed text, Morse, the NATO spelling alphabet, binary, decimal or octal
character codes, A1Z26, escapes (``\\x69``, ``\\u0069``, ``&#105;``, quoted-printable
``=69``), letters split by emoji, regional-indicator letters and right-to-left
overrides. Each decoder yields :class:`~services.guard.encoded.Payload` objects, so
the engine scans and classifies the decoded text like any other payload.

Prose ciphers are recognised by vocabulary, not by a marker: a clause whose words
are mostly unknown is decoded by every shift, by Atbash and by reversal, and kept
when the result is mostly known words (``vocabulary``: common English plus the
rule keywords). A sentence in another language therefore decodes to nothing,
and an ordinary English clause is never tried at all.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator
from functools import lru_cache

from services.guard.encoded import Encoding, Payload

#: Clauses: the text between line breaks, quotes, brackets, colons and sentence ends.
_CLAUSE = re.compile(r"[^\n:;\"“”«»()\[\]{}<>|]+?(?:[.!?](?=\s)|(?=[\n:;\"“”«»()\[\]{}<>|])|$)")
_ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
#: A clause is tried only with this many words, of which at most this share is known.
_MIN_WORDS = 3
_MAX_KNOWN_SHARE = 0.3
#: A decoding is kept with at least this many known words, making this share of all.
_MIN_KNOWN = 3
_MIN_DECODED_SHARE = 0.4

_LOWER, _UPPER = string.ascii_lowercase, string.ascii_uppercase


@lru_cache(maxsize=32)
def _table(name: str) -> dict[int, int]:
    """``rot1``..``rot25`` or ``atbash`` as a ``str.translate`` table."""
    if name == "atbash":
        return str.maketrans(_LOWER + _UPPER, _LOWER[::-1] + _UPPER[::-1])
    shift = int(name[3:])
    return str.maketrans(
        _LOWER + _UPPER, _LOWER[shift:] + _LOWER[:shift] + _UPPER[shift:] + _UPPER[:shift]
    )


_SUBSTITUTIONS = tuple(f"rot{n}" for n in range(1, 26)) + ("atbash",)


def _known(words: list[str], vocabulary: frozenset[str]) -> int:
    return sum(1 for word in words if word.lower() in vocabulary)


def _reverse_words(text: str) -> str:
    return _ASCII_WORD.sub(lambda m: m.group()[::-1], text)


def _decodings(clause: str) -> Iterator[tuple[Encoding, str]]:
    for name in _SUBSTITUTIONS:
        yield ("atbash" if name == "atbash" else "caesar"), clause.translate(_table(name))
    yield "reversed", clause[::-1]
    yield "reversed", _reverse_words(clause)


def prose_ciphers(text: str, vocabulary: frozenset[str]) -> Iterator[Payload]:
    """Clauses of mostly unknown words that some shift, Atbash or reversal turns into
    mostly known words (a reversal yields both word orders, one payload each)."""
    for match in _CLAUSE.finditer(text):
        clause = match.group()
        if not clause.isascii() and any(c.isalpha() and not c.isascii() for c in clause):
            continue  # a cipher shifts ASCII letters; accented words are another language
        words = _ASCII_WORD.findall(clause)
        if len(words) < _MIN_WORDS or _known(words, vocabulary) > _MAX_KNOWN_SHARE * len(words):
            continue
        for encoding, decoded in _decodings(clause):
            decoded_words = _ASCII_WORD.findall(decoded)
            known = _known(decoded_words, vocabulary)
            if known >= _MIN_KNOWN and known >= _MIN_DECODED_SHARE * len(decoded_words):
                yield Payload(match.start(), match.end(), decoded.strip(), encoding)


MORSE: dict[str, str] = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g",
    "....": "h", "..": "i", ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n",
    "---": "o", ".--.": "p", "--.-": "q", ".-.": "r", "...": "s", "-": "t", "..-": "u",
    "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z", "-----": "0",
    ".----": "1", "..---": "2", "...--": "3", "....-": "4", ".....": "5", "-....": "6",
    "--...": "7", "---..": "8", "----.": "9", ".-.-.-": ".", "--..--": ",", "..--..": "?",
}  # fmt: skip
_MORSE_FOLD = str.maketrans({"·": ".", "•": ".", "∙": ".", "−": "-", "–": "-", "—": "-", "_": "-"})
_MORSE_CODE = r"[.\-·•∙−–—_]{1,6}"
_MORSE = re.compile(
    rf"(?<![\w.\-·•−–—])(?:{_MORSE_CODE}(?:[ \t]*[/|][ \t]*|[ \t]+)){{5,}}{_MORSE_CODE}(?![\w.\-])"
)
#: A word break in Morse: a slash or bar, or a run of three or more spaces.
_MORSE_WORD_BREAK = re.compile(r"\s*[/|]\s*|\s{3,}")

_NATO_WORDS = [
    "alfa",
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "juliett",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "whisky",
    "x-ray",
    "xray",
    "yankee",
    "zulu",
]
_NATO_WORD = "|".join(sorted(_NATO_WORDS, key=len, reverse=True))
#: Matched in the lower-cased text (much cheaper than IGNORECASE); a text whose
#: lower-casing changes its length (a handful of characters do) falls back to it.
_NATO = re.compile(rf"\b(?:(?:{_NATO_WORD})\b[\s,./|;-]*){{5,}}")
_NATO_ANY_CASE = re.compile(_NATO.pattern, re.IGNORECASE)
_NATO_SINGLE = re.compile(rf"\b(?:{_NATO_WORD})\b", re.IGNORECASE)
_NATO_WORD_BREAK = re.compile(r"[,./|;]|\n|\s{2,}")

#: A run of six or more numbers: where all the number codes below are looked for.
_NUMBER_RUN = re.compile(r"(?<!\d)(?:\d+(?:[ \t,]+|[ \t]*[-/][ \t]*)){5,}\d+")
_BINARY = re.compile(r"(?<![01])(?:[01]{8}[\s,]*){6,}")
#: Octal character codes (040-176), as in an ``od`` dump.
_OCTAL = re.compile(r"(?<![\d.])(?:[01][0-7]{2}[ ,]+){7,}[01][0-7]{2}(?![\d.])")
#: A1Z26: letters as their alphabet positions, "9-7-14-15-18-5 / 16-15-...".
_A1Z26 = re.compile(
    r"(?<![\d.-])(?:(?:1\d|2[0-6]|[1-9])(?:-|\s*/\s*|\s+)){5,}(?:1\d|2[0-6]|[1-9])(?![\d.])"
)
_CODE = r"(?:3[2-9]|[4-9]\d|1[01]\d|12[0-6])"
_DECIMAL = re.compile(rf"(?<![\d.])(?:{_CODE}[ ,]+){{7,}}{_CODE}(?![\d.])")
#: ``\x69``, ``\u0069``, ``&#105;``/``&#x69;``: a stretch holding several of them.
_ESCAPE = (
    r"(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\[0-3][0-7]{2}|&#x[0-9a-fA-F]{1,6};|&#\d{1,7};"
    r"|=[0-9A-F]{2})"
)
_ESCAPED = re.compile(rf"{_ESCAPE}(?:[^\n]{{0,40}}?{_ESCAPE}){{5,}}")
_ONE_ESCAPE = re.compile(_ESCAPE)
#: A right-to-left override shows the text after it backwards: "\u202eenoyna llet".
_RIGHT_TO_LEFT = re.compile("\u202e([^\u202a-\u202c\u2066-\u2069\n]+)")
#: Letters split by a repeated symbol or emoji the normaliser does not treat as a
#: separator ("i🎮g🎮n🎮o🎮r🎮e"); the decoded text drops the symbol.
_SPLIT_SYMBOL = r"[^\w\s.,;:!?'\"()\[\]{}<>/\\|*~+-]{1,2}"
_SPLIT_LETTERS = re.compile(rf"[A-Za-z ]({_SPLIT_SYMBOL})(?:[A-Za-z ]\1){{5,}}[A-Za-z ]?")
#: Regional-indicator letters ("🇫 🇴 🇷 🇬 🇪 🇹"): flags in pairs, words when spelled out.
_REGIONAL_LETTERS = re.compile("[\U0001f1e6-\U0001f1ff]")
_REGIONAL_RUN = re.compile("[\U0001f1e6-\U0001f1ff](?:[ \t]*[\U0001f1e6-\U0001f1ff]){5,}")
_REGIONAL_TABLE = {0x1F1E6 + i: ord("a") + i for i in range(26)}
#: Decoded codes must read as text: this share of letters and spaces at least.
_MIN_LETTER_SHARE = 0.7


def _letters(text: str) -> bool:
    return len(text) >= 6 and sum(c.isalpha() or c == " " for c in text) >= (
        _MIN_LETTER_SHARE * len(text)
    )


def _morse(blob: str) -> str | None:
    words = []
    for word in _MORSE_WORD_BREAK.split(blob.translate(_MORSE_FOLD).strip()):
        letters = [MORSE.get(code) for code in word.split()]
        if any(letter is None for letter in letters):
            return None
        words.append("".join(letter for letter in letters if letter))
    return " ".join(w for w in words if w)


def _nato(blob: str) -> str:
    words = _NATO_WORD_BREAK.split(blob.strip())
    return " ".join(
        "".join(m.group()[0] for m in _NATO_SINGLE.finditer(word)).lower() for word in words
    ).strip()


def _unescape(match: re.Match[str]) -> str:
    escape = match.group()
    if escape.startswith("&"):
        return html.unescape(escape)
    if escape.startswith("="):  # quoted-printable
        return chr(int(escape[1:], 16))
    if escape[1] in "xu":
        return chr(int(escape[2:], 16))
    return chr(int(escape[1:], 8))


def _a1z26(blob: str) -> str:
    # "18-5-6 1-12-12": dashes join letters, so a space ends a word; "9 7 14 / 1 12":
    # spaces join letters, so only a slash or a wider gap does.
    gap = r"\s*/\s*|\s+" if re.search(r"\d-\d", blob) else r"\s*/\s*|\s{2,}"
    words = re.split(gap, blob.strip())
    return " ".join(
        "".join(chr(ord("a") + int(n) - 1) for n in re.findall(r"\d+", word)) for word in words
    )


def spelled_codes(text: str) -> Iterator[Payload]:
    """Morse, NATO spelling, binary/decimal character codes, escapes and right-to-left
    overrides that decode to words (letters and spaces mostly)."""
    if "-" in text or "." in text or "·" in text or "•" in text:
        for match in _MORSE.finditer(text):
            if (decoded := _morse(match.group())) and _letters(decoded):
                yield Payload(match.start(), match.end(), decoded, "morse")
    lowered = text.lower()
    nato = _NATO.finditer(lowered) if len(lowered) == len(text) else _NATO_ANY_CASE.finditer(text)
    for match in nato:
        if _letters(decoded := _nato(match.group())):
            yield Payload(match.start(), match.end(), decoded, "nato")
    for run in _NUMBER_RUN.finditer(text):
        yield from _number_codes(text, run.start(), run.end())
    if _REGIONAL_LETTERS.search(text):
        for match in _REGIONAL_RUN.finditer(text):
            decoded = match.group().translate(_REGIONAL_TABLE)
            yield Payload(match.start(), match.end(), decoded, "split_letters")
    for match in _SPLIT_LETTERS.finditer(text):
        decoded = match.group().replace(match.group(1), "")
        yield Payload(match.start(), match.end(), decoded, "split_letters")
    for match in _RIGHT_TO_LEFT.finditer(text):
        if _letters(decoded := match.group(1)[::-1].strip()):
            yield Payload(match.start(), match.end(), decoded, "reversed")
    if "\\" in text or "&#" in text or "=" in text:
        for match in _ESCAPED.finditer(text):
            decoded = _ONE_ESCAPE.sub(_unescape, match.group())
            yield Payload(match.start(), match.end(), decoded, "escaped")


def _number_codes(text: str, start: int, end: int) -> Iterator[Payload]:
    """Binary, decimal, octal or A1Z26 codes within one run of numbers."""
    for match in _BINARY.finditer(text, start, end):
        raw = bytes(int(bits, 2) for bits in re.findall(r"[01]{8}", match.group()))
        if _letters(decoded := raw.decode("latin-1")):
            yield Payload(match.start(), match.end(), decoded, "char_codes")
    for pattern, base in ((_DECIMAL, 10), (_OCTAL, 8)):
        for match in pattern.finditer(text, start, end):
            codes = re.findall(r"\d+", match.group())
            if _letters(decoded := "".join(chr(int(code, base)) for code in codes)):
                yield Payload(match.start(), match.end(), decoded, "char_codes")
    for match in _A1Z26.finditer(text, start, end):
        if _letters(decoded := _a1z26(match.group())):
            yield Payload(match.start(), match.end(), decoded, "char_codes")
