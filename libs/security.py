"""Webhook signatures, keyed player hashes and token hashing.

Signatures are ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, the
scheme used by ingest (inbound) and by the notifier (outbound) alike.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Triage-Signature"


class SignatureError(Exception):
    """The request's signature is missing, malformed, stale or wrong."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header value for ``body``."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={_mac(secret, ts, body)}"


def verify(
    header: str | None,
    body: bytes,
    secrets: Iterable[str],
    *,
    window_s: int = 300,
    now: float | None = None,
) -> None:
    """Raise :class:`SignatureError` unless ``header`` signs ``body`` with one of ``secrets``.

    Several secrets are accepted so a tenant can rotate without downtime.
    """
    if not header:
        raise SignatureError("signature_missing", f"missing {SIGNATURE_HEADER} header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, sep, value = item.strip().partition("=")
        if not sep:
            raise SignatureError("signature_malformed", "signature must be 't=<unix>,v1=<hex>'")
        parts.setdefault(name, []).append(value)
    try:
        ts = int(parts["t"][0])
    except (KeyError, ValueError) as exc:
        raise SignatureError("signature_malformed", "signature timestamp missing") from exc
    candidates = parts.get("v1", [])
    if not candidates:
        raise SignatureError("signature_malformed", "signature has no v1 value")
    current = time.time() if now is None else now
    if abs(current - ts) > window_s:
        raise SignatureError("signature_expired", "signature timestamp outside replay window")
    for secret in secrets:
        expected = _mac(secret, ts, body)
        if any(hmac.compare_digest(expected, c) for c in candidates):
            return
    raise SignatureError("signature_invalid", "signature does not match")


def player_ref(key: str, tenant: str, player_id: str) -> str:
    """Keyed hash standing in for a player id on topics and in logs."""
    digest = hmac.new(key.encode(), f"{tenant}\x1f{player_id}".encode(), hashlib.sha256)
    return "p_" + digest.hexdigest()[:32]


def hash_token(token: str) -> str:
    """How bearer tokens are stored in configuration (never in the clear)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)
