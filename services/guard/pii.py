"""PII redaction before the LLM: emails, phones, cards, IBANs, IPs and obvious secrets.

Detectors run on the original text and are checked beyond the regex where a
checksum exists (Luhn for cards, mod-97 for IBANs, ``ipaddress`` for IPs) so
that order numbers and error codes survive. Each distinct value gets a stable
placeholder (``[EMAIL_1]``; the same address twice is the same placeholder).
Values are never logged; besides kinds and placeholders, ``redact`` returns the
placeholder -> value ``mapping`` only for the PII vault (:mod:`services.guard.vault`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from schemas import PiiRedaction
from schemas.tickets import PiiKind

PLACEHOLDER_LABELS: dict[PiiKind, str] = {
    "secret": "SECRET",
    "email": "EMAIL",
    "iban": "IBAN",
    "card": "CARD",
    "ip": "IP",
    "phone": "PHONE",
}

#: Well-known token shapes (one lookbehind for all: per-branch ``\b`` is several times slower).
_SECRET_TOKEN = re.compile(
    r"(?<![\w-])(?:"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"
    r"|sk-(?:ant-)?[A-Za-z0-9_-]{20,}"
    r"|AKIA[0-9A-Z]{16}\b"
    r"|gh[pousr]_[A-Za-z0-9]{36,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
)
#: "password: hunter2": only the value is redacted.
_PASSWORD = re.compile(
    r"(?i:\b(?:password|passwd|pwd|passwort|contrase[ñn]a|mot de passe)\s*[:=]\s*)(?P<value>\S+)"
)
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_CARD = re.compile(r"(?<![\d+-])(?:\d[ -]?){12,18}\d(?!\d)")
_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?!\w|\.\d)"
)
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}(?:%\w+)?(?![\w:])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9][\d \t().-]{5,20}\d(?!\w)"  # international: +44 20 7946 0958
    r"|(?<![\w])\(?0\d{1,4}\)?[ .-]?\d[\d .-]{4,14}\d(?!\w)"  # national trunk 0: 030 1234567
    r"|(?<![\w])\(?[2-9]\d{2}\)?[ .-]\d{3}[ .-]\d{4}(?!\w)"  # NANP: (555) 123-4567
)
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")

# Cheap necessary conditions, checked before each detector's own (slower) scan: a text
# without them cannot hold a match. They start with a character class, which lets
# ``re`` skip ahead, where the detectors start with look-behinds that it tries at
# every position. tests/unit/test_guard_pii.py checks each one against its detector.
#: Every secret-token shape starts with one of these.
_SECRET_STARTS = ("-----BEGIN ", "sk-", "AKIA", "gh", "xox", "eyJ")
_IBAN_HINT = re.compile(r"[A-Z][A-Z]\d\d")
#: 13 digits, each followed by at most one space or dash.
_CARD_HINT = re.compile(r"\d(?:[ -]?\d){12}")
_IPV4_HINT = re.compile(r"\d\.\d")
#: Two colons with only address characters between them.
_IPV6_HINT = re.compile(r":[0-9A-Fa-f.]*:")
#: Part of every password keyword; matched case-insensitively like ``_PASSWORD``.
_PASSWORD_KEYS = ("pass", "pwd", "contrase")
_PASSWORD_HINT = re.compile(r"(?i:pass|pwd|contrase)")
#: Every phone shape has a digit, 5 to 30 digits or separators, and a digit.
_PHONE_HINT = re.compile(r"\d[\d \t().-]{5,30}\d")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: PiiKind


@dataclass(frozen=True)
class Redacted:
    """The text with placeholders, which placeholder stands for which kind, and for which value."""

    text: str
    items: list[PiiRedaction]
    mapping: dict[str, str] = field(default_factory=dict, repr=False)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum card numbers carry (a random number passes one time in ten)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN without spaces."""
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _secrets(text: str) -> Iterator[_Candidate]:
    if any(start in text for start in _SECRET_STARTS):
        for match in _SECRET_TOKEN.finditer(text):
            yield _Candidate(match.start(), match.end(), "secret")
    if _may_hold_password(text):
        for match in _PASSWORD.finditer(text):
            yield _Candidate(match.start("value"), match.end("value"), "secret")


def _may_hold_password(text: str) -> bool:
    """Whether ``_PASSWORD`` can match: "=" or ":" and a keyword, in any case.

    ASCII text is simply lowercased; other text goes through ``re``'s own
    case-insensitive matching, which also folds "ſ" to "s" or "K" (Kelvin) to "k".
    """
    if ":" not in text and "=" not in text:
        return False
    if text.isascii():
        lowered = text.lower()
        return any(key in lowered for key in _PASSWORD_KEYS)
    return _PASSWORD_HINT.search(text) is not None


def _emails(text: str) -> Iterator[_Candidate]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        yield _Candidate(match.start(), match.end(), "email")


def _prefixes(value: str, separators: str = " -") -> Iterator[str]:
    """``value``, then its prefixes that end at a separator, longest first.

    A match may have swallowed a following number or word ("... 1111 2 times"),
    so a failed check is retried on the shorter groupings.
    """
    yield value
    for index in range(len(value) - 1, 0, -1):
        if value[index] in separators and value[index - 1] not in separators:
            yield value[:index]


def _ibans(text: str) -> Iterator[_Candidate]:
    if not _IBAN_HINT.search(text):
        return
    for match in _IBAN.finditer(text):
        for value in _prefixes(match.group()):
            if iban_valid(value.replace(" ", "")):
                yield _Candidate(match.start(), match.start() + len(value), "iban")
                break


def _card_number(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits)


def _cards(text: str) -> Iterator[_Candidate]:
    if not _CARD_HINT.search(text):
        return
    for match in _CARD.finditer(text):
        for value in _prefixes(match.group()):
            if _card_number(value):
                yield _Candidate(match.start(), match.start() + len(value), "card")
                break


def _ips(text: str) -> Iterator[_Candidate]:
    """IPv6 first, so an IPv4-mapped address ("::ffff:10.0.0.1") is redacted whole."""
    for match in _IPV6.finditer(text) if _IPV6_HINT.search(text) else ():
        value = match.group().rstrip(".")
        if value.count(":") < 2 or not re.search(r"[0-9A-Fa-f]", value):
            continue
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            continue
        yield _Candidate(match.start(), match.start() + len(value), "ip")
    for match in _IPV4.finditer(text) if _IPV4_HINT.search(text) else ():
        yield _Candidate(match.start(), match.end(), "ip")


def _phone_number(value: str) -> bool:
    """7-15 digits, not a date, and not ending in a lone digit ("... 0958 2 times")."""
    digits = re.sub(r"\D", "", value)
    last_group = re.split(r"\D+", value)[-1]
    return 7 <= len(digits) <= 15 and len(last_group) >= 2 and not _DATE.fullmatch(value)


def _phones(text: str) -> Iterator[_Candidate]:
    if not _PHONE_HINT.search(text):
        return
    for match in _PHONE.finditer(text):
        for value in _prefixes(match.group(), " \t.-"):
            if _phone_number(value):
                yield _Candidate(match.start(), match.start() + len(value), "phone")
                break


#: Detectors in priority order: where two overlap, the earlier one wins.
_DETECTORS: tuple[Callable[[str], Iterator[_Candidate]], ...] = (
    _secrets,
    _emails,
    _ibans,
    _cards,
    _ips,
    _phones,
)


def _resolve(text: str) -> list[_Candidate]:
    """Every detector's candidates, keeping the higher-priority one where they overlap."""
    taken: list[_Candidate] = []
    for detector in _DETECTORS:
        for candidate in detector(text):
            if all(candidate.end <= t.start or candidate.start >= t.end for t in taken):
                taken.append(candidate)
    return sorted(taken, key=lambda c: c.start)


def redact(text: str) -> Redacted:
    """Replace PII in ``text`` with numbered placeholders, one per distinct value."""
    candidates = _resolve(text)
    if not candidates:
        return Redacted(text, [], {})
    placeholders: dict[tuple[PiiKind, str], str] = {}
    counts: dict[PiiKind, int] = {}
    items: list[PiiRedaction] = []
    mapping: dict[str, str] = {}
    pieces: list[str] = []
    last = 0
    for candidate in candidates:
        key = (candidate.kind, text[candidate.start : candidate.end])
        placeholder = placeholders.get(key)
        if placeholder is None:
            counts[candidate.kind] = counts.get(candidate.kind, 0) + 1
            placeholder = f"[{PLACEHOLDER_LABELS[candidate.kind]}_{counts[candidate.kind]}]"
            placeholders[key] = placeholder
            items.append(PiiRedaction(kind=candidate.kind, placeholder=placeholder))
            mapping[placeholder] = key[1]
        pieces.append(text[last : candidate.start])
        pieces.append(placeholder)
        last = candidate.end
    pieces.append(text[last:])
    return Redacted("".join(pieces), items, mapping)
