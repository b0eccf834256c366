"""Signed, expiring, single-use approve/reject links, and the signer behind inbox sessions.

A link token names the action, the decision, the approver it was issued to,
an expiry, a nonce, and the SHA-256 of the exact action (id, tool, arguments):
approving through it decides exactly what the approver was shown, and a changed
action needs a new link. Tokens are ``<base64url JSON>.<hex HMAC-SHA256>``;
the MAC covers a purpose label too, so a session token is never a link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from libs import redis_keys
from libs.errors import TransientError
from schemas import PendingAction, utcnow

LinkDecision = Literal["approve", "reject"]
LINK_PURPOSE = "link"
#: Marker of a used link: ``done:link:{nonce}``.
LINK_STAGE = "link"


class LinkError(Exception):
    """A token that is malformed, forged, expired or already used; ``code`` for the page."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def action_digest(item: PendingAction) -> str:
    """SHA-256 of what an approver decides on: the action id, the tool and its arguments."""
    canonical = orjson.dumps(
        {"action_id": str(item.action_id), "tool": item.tool, "args": item.args},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """HMAC-signed JSON tokens with an expiry (``e``, unix seconds) and a purpose."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a signing secret is required")
        self._key = secret.encode()

    def _mac(self, purpose: str, body: str) -> str:
        return hmac.new(self._key, f"{purpose}.{body}".encode(), hashlib.sha256).hexdigest()

    def dumps(self, purpose: str, payload: dict[str, Any], expires_at: datetime) -> str:
        body = _b64(orjson.dumps({**payload, "e": int(expires_at.timestamp())}))
        return f"{body}.{self._mac(purpose, body)}"

    def loads(self, purpose: str, token: str, now: datetime | None = None) -> dict[str, Any]:
        body, sep, mac = token.partition(".")
        if not sep or not hmac.compare_digest(self._mac(purpose, body), mac):
            raise LinkError("link_invalid", "this link is not valid")
        try:
            payload = orjson.loads(_unb64(body))
        except (binascii.Error, ValueError) as exc:
            raise LinkError("link_invalid", "this link is not valid") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
            raise LinkError("link_invalid", "this link is not valid")
        if payload["e"] <= (now or utcnow()).timestamp():
            raise LinkError("link_expired", "this link has expired")
        return payload


@dataclass(frozen=True)
class Link:
    """What a verified link token allows."""

    action_id: uuid.UUID
    decision: LinkDecision
    approver: str
    digest: str
    nonce: str
    expires_at: datetime


def issue_link(
    signer: Signer, item: PendingAction, decision: LinkDecision, approver: str, expires_at: datetime
) -> str:
    """A token for one decision on ``item`` by ``approver``, valid until ``expires_at``."""
    payload = {
        "a": str(item.action_id),
        "d": decision,
        "u": approver,
        "h": action_digest(item),
        "n": secrets.token_urlsafe(12),
    }
    return signer.dumps(LINK_PURPOSE, payload, min(expires_at, item.expires_at))


def read_link(signer: Signer, token: str, now: datetime | None = None) -> Link:
    """The link a token stands for; raises :class:`LinkError` if forged or expired."""
    data = signer.loads(LINK_PURPOSE, token, now)
    decision = data.get("d")
    if decision not in ("approve", "reject"):
        raise LinkError("link_invalid", "this link is not valid")
    try:
        return Link(
            action_id=uuid.UUID(data["a"]),
            decision=cast(LinkDecision, decision),
            approver=str(data["u"]),
            digest=str(data["h"]),
            nonce=str(data["n"]),
            expires_at=datetime.fromtimestamp(data["e"], tz=utcnow().tzinfo),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise LinkError("link_invalid", "this link is not valid") from exc


class UsedLinks:
    """Single use: a link's nonce is burnt when its POST decides (and freed if that failed)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def burn(self, link: Link) -> None:
        ttl_s = max(1, int((link.expires_at - utcnow()).total_seconds()))
        try:
            fresh = await self._redis.set(
                redis_keys.done(LINK_STAGE, link.nonce), "1", nx=True, ex=ttl_s
            )
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        if not fresh:
            raise LinkError("link_used", "this link was already used")

    async def release(self, link: Link) -> None:
        try:
            await self._redis.delete(redis_keys.done(LINK_STAGE, link.nonce))
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
