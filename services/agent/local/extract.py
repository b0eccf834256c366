"""Rule-based extraction of the facts support needs: error codes, platform, order ids,
amounts and game mode. Rules (not the classifier) because these are exact strings that
must be copied, not guessed, and the same in every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from schemas.tickets import Amount, ExtractedFields

_MAX_ITEMS = 10

# Keyword-anchored codes ("error code 503", "Fehlercode 0x80070005", "erreur : 4012").
_ERROR_KEYWORD = re.compile(
    r"\b(?:error|err|fehler(?:code)?|erreur|c[óo]digo\s+de\s+erro[r]?|erro)\b"
    r"(?:\s*(?:code|nr\.?|n°|no\.?))?\s*[:#]?\s*(?P<code>[A-Z0-9][A-Z0-9_\-]{1,24})",
    re.IGNORECASE,
)
# Codes that stand alone: our game's SF-1042, console codes, hex codes, SCREAMING names.
_ERROR_STANDALONE = re.compile(
    r"\b(?P<code>(?:SF|CE|NP|WS|NW|E)-\d{3,6}(?:-\d)?"
    r"|0x[0-9A-Fa-f]{6,8}"
    r"|(?:ERR|ERROR|EXCEPTION)_[A-Z0-9_]{3,})\b"
)

_ORDER_KEYWORD = re.compile(
    r"\b(?:order|transaction|receipt|invoice|purchase|bestellung|bestellnummer|transaktion"
    r"|rechnung|commande|reçu|facture|pedido|recibo|compra|transacción|transação|fatura)\b"
    r"(?:\s*(?:id|number|no\.?|nr\.?|n°|n[úu]mero|numero|nummer|#))*\s*[:#]?\s*"
    r"(?P<id>[A-Z0-9][A-Z0-9.\-]{5,40})",
    re.IGNORECASE,
)
_ORDER_STANDALONE = re.compile(
    r"\b(?P<id>GPA\.\d{4}-\d{4}-\d{4}-\d{5}|(?:ORD|TXN|INV)-[A-Z0-9]{5,20})\b"
)

_NUMBER = r"\d+(?:[.,]\d{3})*(?:[.,]\d{1,2})?"
_CURRENCY_WORDS = {
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "€": "EUR",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "$": "USD",
    "us$": "USD",
    "gbp": "GBP",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "brl": "BRL",
    "r$": "BRL",
    "reais": "BRL",
    "gems": "gems",
    "gemas": "gems",
    "gemmes": "gems",
    "edelsteine": "gems",
    "coins": "coins",
    "münzen": "coins",
    "pièces": "coins",
    "monedas": "coins",
    "moedas": "coins",
}
_SYMBOL_FIRST = re.compile(rf"(?P<cur>R\$|US\$|[$€£])\s?(?P<val>{_NUMBER})")
_WORDS = "|".join(sorted((re.escape(w) for w in _CURRENCY_WORDS if w[0].isalpha()), key=len))
_VALUE_FIRST = re.compile(
    rf"(?<![\w.,])(?P<val>{_NUMBER})\s?(?P<cur>€|\$|£|(?:{_WORDS})\b)", re.IGNORECASE
)

_PLATFORMS: tuple[tuple[str, str], ...] = (
    ("ps5", r"ps\s?5|playstation\s?5|play\s?5"),
    ("ps4", r"ps\s?4|playstation\s?4|play\s?4"),
    ("xbox", r"xbox(?:\s?(?:one|series\s?[xs]))?|series\s?[xs]"),
    ("switch", r"(?:nintendo\s)?switch"),
    ("steam_deck", r"steam\s?deck"),
    ("ios", r"ios|iphone|ipad|app\s?store"),
    ("android", r"android|google\s?play|samsung|pixel\s?\d"),
    ("mac", r"mac(?:book)?|macos"),
    ("pc", r"pc|windows(?:\s?1[01])?|steam|epic(?:\sgames)?"),
)
_PLATFORM_RE = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{pattern})\b)" for name, pattern in _PLATFORMS), re.IGNORECASE
)

_GAME_MODES: tuple[tuple[str, str], ...] = (
    ("battle_royale", r"battle\s?royale"),
    (
        "ranked",
        r"ranked|ranglisten\w*|classée?s?|compet[ie]tivo|clasificatori[ao]s?|ranquead[ao]s?",
    ),
    ("co-op", r"co-?op|koop|coop[ée]ration|cooperativo"),
    ("raid", r"raids?|incursions?"),
    ("arena", r"ar[eè]nas?|arène"),
    ("campaign", r"campaign|kampagne|campagne|campaña|campanha|story\s?mode"),
    ("tournament", r"tournaments?|turniere?|tournois?|torneos?|torneios?"),
    ("custom", r"custom\s?(?:lobby|game|match)|private\s?match|partida\s?privada"),
    ("casual", r"casual|quick\s?play|partie\s?rapide|schnelles\s?spiel"),
)
_MODE_RE = re.compile(
    "|".join(rf"(?P<{name.replace('-', '_')}>\b(?:{pattern})\b)" for name, pattern in _GAME_MODES),
    re.IGNORECASE,
)
#: PII placeholders the input guard puts in the text; never mistaken for codes.
_PLACEHOLDER = re.compile(r"^(?:EMAIL|PHONE|CARD|IBAN|IP|SECRET)_\d+$")


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)[:_MAX_ITEMS]


def _normalize_code(code: str) -> str:
    code = code.strip("-_")
    return "0x" + code[2:].upper() if code[:2].lower() == "0x" else code.upper()


def error_codes(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for match in _ERROR_KEYWORD.finditer(text):
        code = _normalize_code(match.group("code"))
        if any(c.isdigit() for c in code) and not _PLACEHOLDER.match(code):
            found.append((match.start("code"), code))
    found.extend(
        (m.start(), _normalize_code(m.group("code"))) for m in _ERROR_STANDALONE.finditer(text)
    )
    return _unique(code for _, code in sorted(found))


def order_ids(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for match in _ORDER_KEYWORD.finditer(text):
        order = match.group("id").rstrip(".-")
        if any(c.isdigit() for c in order) and len(order) >= 6:
            found.append((match.start("id"), order))
    found.extend((m.start(), m.group("id")) for m in _ORDER_STANDALONE.finditer(text))
    return _unique(order for _, order in sorted(found))


def parse_number(raw: str) -> float:
    """``4,99`` and ``4.99`` are decimals; ``1.200`` and ``1,200`` are thousands."""
    last_sep = max(raw.rfind("."), raw.rfind(","))
    if last_sep == -1:
        return float(raw)
    decimals = raw[last_sep + 1 :]
    integer = re.sub(r"[.,]", "", raw[:last_sep])
    if len(decimals) == 3:
        return float(integer + decimals)
    return float(f"{integer}.{decimals}")


def amounts(text: str) -> list[Amount]:
    found: list[tuple[int, Amount]] = []
    for regex in (_SYMBOL_FIRST, _VALUE_FIRST):
        for match in regex.finditer(text):
            value = parse_number(match.group("val"))
            currency = _CURRENCY_WORDS[match.group("cur").lower()]
            if value > 0:
                found.append((match.start(), Amount(value=value, currency=currency)))
    found.sort(key=lambda item: item[0])
    unique: dict[tuple[float, str | None], Amount] = {}
    for _, amount in found:
        unique.setdefault((amount.value, amount.currency), amount)
    return list(unique.values())[:_MAX_ITEMS]


def platform(text: str, metadata: Mapping[str, str] | None = None) -> str | None:
    """The first platform the player names; else the one upstream sent in metadata."""
    match = _PLATFORM_RE.search(text)
    if match and match.lastgroup:
        return match.lastgroup
    hint = (metadata or {}).get("platform")
    if hint:
        match = _PLATFORM_RE.search(hint)
        return match.lastgroup if match and match.lastgroup else hint.lower()[:32]
    return None


def game_mode(text: str) -> str | None:
    match = _MODE_RE.search(text)
    if not (match and match.lastgroup):
        return None
    return "co-op" if match.lastgroup == "co_op" else match.lastgroup


def extract(text: str, metadata: Mapping[str, str] | None = None) -> ExtractedFields:
    return ExtractedFields(
        error_codes=error_codes(text),
        platform=platform(text, metadata),
        order_ids=order_ids(text),
        amounts=amounts(text),
        game_mode=game_mode(text),
    )
