"""Outbound HTTP for tools, channels and callbacks, with errors the stage understands.

5xx, 429, timeouts and connection errors are :class:`TransientError` (retried
by the stage, then DLQ); other 4xx are :class:`PermanentError` (DLQ at once).
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from libs.errors import PermanentError, TransientError
from libs.security import SIGNATURE_HEADER, sign


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    payload: Any,
    *,
    signing_secret: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = orjson.dumps(payload)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if signing_secret:
        all_headers[SIGNATURE_HEADER] = sign(signing_secret, body)
    try:
        response = await client.post(url, content=body, headers=all_headers)
    except httpx.TransportError as exc:
        raise TransientError(f"POST {url} failed: {exc!r}") from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"POST {url} answered {response.status_code}")
    if response.status_code >= 400:
        raise PermanentError(f"POST {url} answered {response.status_code}: {response.text[:500]}")
    return response


def response_json(response: httpx.Response) -> dict[str, Any]:
    """The response body as a dict when it is a JSON object, else a short text summary."""
    try:
        data = response.json()
    except ValueError:
        return {"status_code": response.status_code, "body": response.text[:500]}
    return data if isinstance(data, dict) else {"status_code": response.status_code, "body": data}
