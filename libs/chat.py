"""Telegram Bot API and Slack Web API: calls, approval buttons, verification of callbacks.

The notifier posts approval requests with these clients and approval-api answers
the button presses with them, so the wire details (where the token goes, how a
200 can still be an error, what a button carries) live in one place. Base URLs
come from settings so tests and the local stack point them at a local server.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from libs.errors import PermanentError, TransientError
from libs.outbound import post_json, response_json
from libs.security import SignatureError

Decision = Literal["approve", "reject"]

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SLACK_TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SLACK_SIGNATURE_HEADER = "X-Slack-Signature"
#: Telegram refuses callback_data longer than this (bytes).
TELEGRAM_CALLBACK_DATA_MAX = 64

_BUTTON_PREFIX = "triage"
_CODES: dict[Decision, str] = {"approve": "a", "reject": "r"}
_DECISIONS: dict[str, Decision] = {code: decision for decision, code in _CODES.items()}

#: Slack ``ok: false`` errors worth retrying; every other error will fail the same way again.
_SLACK_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


@dataclass(frozen=True)
class Button:
    """What an approve/reject button carries: the decision and the one action it is for.

    ``triage:a:<action id hex>`` is 41 bytes, within Telegram's callback_data limit,
    and is also the Slack button value so both apps decode the same way.
    """

    decision: Decision
    action_id: uuid.UUID

    def encode(self) -> str:
        return f"{_BUTTON_PREFIX}:{_CODES[self.decision]}:{self.action_id.hex}"

    @classmethod
    def decode(cls, data: str) -> Button | None:
        """The button, or None for data that is not one of ours."""
        prefix, _, rest = data.partition(":")
        code, _, hex_id = rest.partition(":")
        if prefix != _BUTTON_PREFIX or code not in _DECISIONS or len(hex_id) != 32:
            return None
        try:
            return cls(_DECISIONS[code], uuid.UUID(hex=hex_id))
        except ValueError:
            return None


class TelegramApi:
    """Bot API methods (``<base>/bot<token>/<method>``); the token never reaches an error."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token

    async def call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The method's ``result``; 429/5xx/network are transient, other refusals permanent."""
        try:
            response = await post_json(
                self._client, f"{self._base}/bot{self._token}/{method}", payload
            )
        except (TransientError, PermanentError) as exc:
            # The URL holds the bot token: rebuild the error without it (and without the
            # cause, whose message has the URL too) before it reaches logs or the DLQ.
            raise type(exc)(str(exc).replace(self._token, "<token>")) from None
        body = response_json(response)
        if body.get("ok") is False:
            raise PermanentError(f"telegram {method}: {body.get('description', 'not ok')}")
        result = body.get("result")
        return result if isinstance(result, dict) else {}


class SlackApi:
    """Web API methods (``<base>/<method>``) with the bot token as bearer."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token

    async def call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The answer body; Slack reports most errors as ``200 {"ok": false, "error": …}``."""
        response = await post_json(
            self._client,
            f"{self._base}/{method}",
            payload,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json; charset=utf-8",
            },
        )
        body = response_json(response)
        if body.get("ok") is not True:
            error = str(body.get("error", "not ok"))
            kind = TransientError if error in _SLACK_TRANSIENT else PermanentError
            raise kind(f"slack {method}: {error}")
        return body

    async def respond(self, response_url: str, payload: dict[str, Any]) -> None:
        """Answer an interaction through its ``response_url`` (no token needed)."""
        await post_json(self._client, response_url, payload)


def verify_telegram(expected: str, header: str | None) -> None:
    """Raise :class:`SignatureError` unless the update carries the webhook's secret token."""
    if not header:
        raise SignatureError("signature_missing", f"missing {TELEGRAM_SECRET_HEADER} header")
    if not hmac.compare_digest(header.encode(), expected.encode()):
        raise SignatureError("signature_invalid", "secret token does not match")


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature: ``v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">``."""
    mac = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return f"v0={mac.hexdigest()}"


def verify_slack(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    window_s: int = 300,
    now: float | None = None,
) -> None:
    """Raise :class:`SignatureError` unless Slack signed ``body`` within the replay window."""
    if not timestamp or not signature:
        raise SignatureError(
            "signature_missing",
            f"missing {SLACK_TIMESTAMP_HEADER} or {SLACK_SIGNATURE_HEADER} header",
        )
    try:
        ts = int(timestamp)
    except ValueError as exc:
        raise SignatureError("signature_malformed", "timestamp is not unix seconds") from exc
    current = time.time() if now is None else now
    if abs(current - ts) > window_s:
        raise SignatureError("signature_expired", "request timestamp outside replay window")
    expected = slack_signature(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise SignatureError("signature_invalid", "signature does not match")
