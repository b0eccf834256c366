"""Encoded payloads: base64 blobs that decode to readable text.

Only blobs that decode to mostly printable UTF-8 are returned; the engine then
runs the rules on the decoded text, so a random token, a JWT header or binary
data never counts, while "aWdub3JlIGFsbC..." does.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

_BLOB = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_MIN_DECODED = 8
_PRINTABLE_SHARE = 0.9
_MAX_BLOBS = 20


@dataclass(frozen=True)
class Payload:
    start: int
    end: int
    decoded: str


def _decode(blob: str) -> str | None:
    """The blob as text if it is base64 (standard or URL-safe) of readable UTF-8."""
    body = blob.rstrip("=").replace("-", "+").replace("_", "/")
    if len(body) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if len(text) < _MIN_DECODED or not any(c.isalpha() for c in text):
        return None
    readable = sum(1 for c in text if c.isprintable() or c.isspace())
    return text if readable >= _PRINTABLE_SHARE * len(text) else None


def base64_payloads(text: str) -> Iterator[Payload]:
    """Readable base64 payloads in ``text`` (at most a handful, to bound the work)."""
    found = 0
    for match in _BLOB.finditer(text):
        decoded = _decode(match.group())
        if decoded is not None:
            yield Payload(match.start(), match.end(), decoded)
            found += 1
            if found == _MAX_BLOBS:
                return
