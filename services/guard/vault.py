"""PII vault: the placeholder -> value mapping of each ticket, kept in Redis with a TTL.

The guard redacts PII before any LLM sees the text, but two later readers need
the values: a human approver who must see them (every reveal is audited in the
log, without the values), and the agent's output guard, which checks that no
value reappears in a draft. The guard stage stores the mapping under
``pii:{ticket_id}`` (a hash: placeholder -> value) and these functions read it.

Values are encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256) when
``TRIAGE_GUARD_PII_KEY`` is set; without a key they are stored in the clear and
only the TTL (``TRIAGE_GUARD_PII_TTL_S``) limits their exposure. Each stored
value carries a prefix saying which, so a reader without the key fails loudly
instead of returning ciphertext.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken
from redis.asyncio import Redis

from libs import redis_keys
from libs.logs import log_fields

logger = logging.getLogger(__name__)

_ENCRYPTED = b"f1:"
_PLAIN = b"p:"
#: Separators people put inside phone, card and IBAN numbers.
_NUMBER_SEPARATORS = re.compile(r"[\s().\-/]")
_MIN_DIGITS_FOR_COMPACT_MATCH = 7


class VaultError(Exception):
    """A stored value cannot be read: wrong or missing key, or an unknown format."""


def new_key() -> str:
    """A fresh key for ``TRIAGE_GUARD_PII_KEY``."""
    return Fernet.generate_key().decode()


def _fernet(key: str | None) -> Fernet | None:
    if key is None:
        return None
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise VaultError("the PII key must be 32 url-safe base64-encoded bytes") from exc


def seal(value: str, key: str | None) -> bytes:
    """``value`` as stored: Fernet-encrypted with ``key``, or plain when there is no key."""
    fernet = _fernet(key)
    if fernet is None:
        return _PLAIN + value.encode()
    return _ENCRYPTED + fernet.encrypt(value.encode())


def unseal(stored: bytes, key: str | None) -> str:
    """The value back from its stored form; raises :class:`VaultError` if it can't be read."""
    if stored.startswith(_PLAIN):
        return stored[len(_PLAIN) :].decode()
    if not stored.startswith(_ENCRYPTED):
        raise VaultError("stored PII value has an unknown format")
    fernet = _fernet(key)
    if fernet is None:
        raise VaultError("stored PII values are encrypted: TRIAGE_GUARD_PII_KEY is needed")
    try:
        return fernet.decrypt(stored[len(_ENCRYPTED) :]).decode()
    except InvalidToken as exc:
        raise VaultError("stored PII value does not decrypt with this key") from exc


class PiiVault:
    """The guard stage's writer: one hash per ticket, replaced as a whole, with a TTL."""

    def __init__(self, redis: Redis, *, ttl_s: int, key: str | None) -> None:
        _fernet(key)  # a malformed key fails at start-up, not on the first ticket
        self.redis = redis
        self.ttl_s = ttl_s
        self.key = key

    async def store(self, ticket_id: str, values: Mapping[str, str]) -> None:
        """Save ``values`` (placeholder -> value) for ``ticket_id``; idempotent for redeliveries."""
        if not values:
            return
        name = redis_keys.pii(ticket_id)
        sealed = {placeholder: seal(value, self.key) for placeholder, value in values.items()}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(name)
            pipe.hset(name, mapping=sealed)  # type: ignore[arg-type]
            pipe.expire(name, self.ttl_s)
            await pipe.execute()


async def load_mapping(redis: Redis, ticket_id: str, *, key: str | None) -> dict[str, str]:
    """Placeholder -> value for ``ticket_id``; empty if none was stored or it expired.

    For machine checks (the output guard); people must go through :func:`reveal`.
    """
    stored: dict[bytes | str, bytes | str] = await redis.hgetall(redis_keys.pii(ticket_id))
    return {
        _text(placeholder): unseal(value if isinstance(value, bytes) else value.encode(), key)
        for placeholder, value in stored.items()
    }


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def reveal(
    redis: Redis,
    ticket_id: str,
    *,
    actor: str,
    reason: str,
    key: str | None,
    placeholders: Iterable[str] | None = None,
) -> dict[str, str]:
    """Values for a human approver, audited: who, why, which placeholders (never the values)."""
    mapping = await load_mapping(redis, ticket_id, key=key)
    if placeholders is not None:
        wanted = set(placeholders)
        mapping = {p: v for p, v in mapping.items() if p in wanted}
    logger.info(
        "PII revealed to a human",
        extra=log_fields(
            "pii_reveal",
            ticket_id=ticket_id,
            actor=actor,
            reason=reason,
            placeholders=sorted(mapping),
        ),
    )
    return mapping


def _compact(text: str) -> str:
    return _NUMBER_SEPARATORS.sub("", text).lower()


def find_leaks(text: str, mapping: Mapping[str, str]) -> list[str]:
    """Placeholders whose value appears in ``text`` (case-insensitive; numbers also
    without their spaces and dashes, so "4111 1111 ..." is found as "4111-1111-...")."""
    lowered = text.lower()
    compact: str | None = None
    leaks = []
    for placeholder, value in mapping.items():
        if value.lower() in lowered:
            leaks.append(placeholder)
            continue
        value_compact = _compact(value)
        if sum(c.isdigit() for c in value_compact) >= _MIN_DIGITS_FOR_COMPACT_MATCH:
            compact = _compact(text) if compact is None else compact
            if value_compact in compact:
                leaks.append(placeholder)
    return sorted(leaks)
