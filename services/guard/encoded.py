"""Encoded payloads: base64, base32, hex and percent-encoded text hidden in a message.

Only blobs that decode to mostly printable UTF-8 are returned; the engine then
runs the rules on the decoded text, so a random token, a JWT header, a hash or
binary data never counts, while "aWdub3JlIGFsbC...", "69676e6f7265..." or
"ignore%20all%20previous..." does. Ciphers and spelled-out codes are in ``ciphers.py``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

#: Shortest base64 or hex blob looked at; a text whose whitespace-separated chunks
#: are all shorter holds neither, which spares most texts both scans.
_MIN_BLOB = 16
_BLOB = re.compile(
    rf"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{{{_MIN_BLOB},}}={{0,2}}(?![A-Za-z0-9+/=_-])"
)
#: Upper-case base32 ("IRUXGYLC..."); also valid base64, which decodes it to bytes, not text.
_BASE32 = re.compile(rf"(?<![A-Za-z0-9+/=])[A-Z2-7]{{{_MIN_BLOB},}}={{0,6}}(?![A-Za-z0-9+/=])")
#: Hex bytes written apart: "69 67 6e ...", "69:67:6e", "0x49, 0x67", "6967206e 6f726520".
_HEX_GROUP = r"(?:0x)?(?:[0-9A-Fa-f]{2}){1,4}"
_SPACED_HEX = re.compile(
    rf"(?<![0-9A-Za-z:])(?:{_HEX_GROUP}(?:[ :]|, ?)){{7,}}{_HEX_GROUP}(?![0-9A-Za-z:])"
)
_HEX_SEPARATORS = re.compile(r"0x|[ :,]")
#: Even-length hex runs; hashes decode to binary and are dropped by the readability check.
_HEX = re.compile(rf"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{{2}}){{{_MIN_BLOB // 2},}}(?![0-9A-Za-z])")
#: A token with at least two %XX escapes (URL query values, form posts).
_PERCENT = re.compile(r"[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*")
_MIN_DECODED = 8
_PRINTABLE_SHARE = 0.9
MAX_PAYLOADS = 20


Encoding = Literal[
    "base64",
    "base32",
    "hex",
    "url_encoded",
    # ciphers.py
    "caesar",
    "atbash",
    "reversed",
    "morse",
    "nato",
    "char_codes",
    "escaped",
    "split_letters",
]


@dataclass(frozen=True)
class Payload:
    start: int
    end: int
    decoded: str
    encoding: Encoding = "base64"


def _readable(raw: bytes) -> str | None:
    """``raw`` as text if it is mostly printable UTF-8 with some letters."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < _MIN_DECODED or not any(c.isalpha() for c in text):
        return None
    readable = sum(1 for c in text if c.isprintable() or c.isspace())
    return text if readable >= _PRINTABLE_SHARE * len(text) else None


def _decode(blob: str) -> str | None:
    """The blob as text if it is base64 (standard or URL-safe) of readable UTF-8."""
    body = blob.rstrip("=").replace("-", "+").replace("_", "/")
    if len(body) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error:
        return None
    return _readable(raw)


def _decode32(blob: str) -> str | None:
    body = blob.rstrip("=")
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except binascii.Error:
        return None
    return _readable(raw)


def _candidates(text: str) -> Iterator[Payload]:
    if max(map(len, text.split()), default=0) >= _MIN_BLOB:
        for match in _BASE32.finditer(text):
            if (decoded := _decode32(match.group())) is not None:
                yield Payload(match.start(), match.end(), decoded, "base32")
        for match in _BLOB.finditer(text):
            if (decoded := _decode(match.group())) is not None:
                yield Payload(match.start(), match.end(), decoded, "base64")
        for match in _HEX.finditer(text):
            if (decoded := _readable(bytes.fromhex(match.group()))) is not None:
                yield Payload(match.start(), match.end(), decoded, "hex")
    for match in _SPACED_HEX.finditer(text):
        blob = _HEX_SEPARATORS.sub("", match.group())
        if (decoded := _readable(bytes.fromhex(blob))) is not None:
            yield Payload(match.start(), match.end(), decoded, "hex")
    if "%" in text:
        yield from _percent_encoded(text)


def _percent_encoded(text: str) -> Iterator[Payload]:
    """Percent-encoded tokens; words escaped one by one ("%49%67%6E... the above and
    %72%65...") are too short alone, so the lines holding them are also read whole."""
    matches = list(_PERCENT.finditer(text))
    for match in matches:
        decoded = unquote(match.group().replace("+", " "), errors="replace")
        if len(decoded) >= _MIN_DECODED:
            yield Payload(match.start(), match.end(), decoded, "url_encoded")
    if len(matches) >= 2:
        start = text.rfind("\n", 0, matches[0].start()) + 1
        end = text.find("\n", matches[-1].end())
        end = len(text) if end < 0 else end
        yield Payload(start, end, unquote(text[start:end], errors="replace"), "url_encoded")


#: A blob valid in several alphabets is reported once, in the most specific one.
_PRECEDENCE: dict[Encoding, int] = {"hex": 0, "base32": 1}


def encoded_payloads(text: str) -> Iterator[Payload]:
    """Readable encoded payloads in ``text`` (at most a handful, to bound the work).

    A run of hex digits is also valid base64 (and upper-case base32 too); it is reported
    once, as hex (or base32), when it decodes as such.
    """
    found = 0
    taken: set[tuple[int, int]] = set()
    for payload in sorted(_candidates(text), key=lambda p: _PRECEDENCE.get(p.encoding, 2)):
        if (payload.start, payload.end) in taken:
            continue
        taken.add((payload.start, payload.end))
        yield payload
        found += 1
        if found == MAX_PAYLOADS:
            return
