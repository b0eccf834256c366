"""Request bodies: size limit, JSON, the tenant to authenticate, then validation.

The tenant is read from the raw JSON before validation because the signature
must be checked with that tenant's secret before the content is trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import Request
from pydantic import ValidationError
from starlette.requests import ClientDisconnect
from starlette.types import Receive

from libs.http import ApiError, validation_message
from schemas.ingest import IngestBatchRequest, IngestError, IngestRequest, IngestResult


def too_large(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"body exceeds {limit} bytes")


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as its declared or actual size exceeds ``limit``."""
    return await receive_body(request.scope["headers"], request.receive, limit)


async def receive_body(
    headers: Sequence[tuple[bytes, bytes]], receive: Receive, limit: int
) -> bytes:
    """:func:`read_body` on raw ASGI ``headers`` and ``receive`` (the hot route has no Request)."""
    declared = next((v for k, v in headers if k == b"content-length"), None)
    if declared is not None:
        try:
            size = int(declared)
        except ValueError as exc:
            raise ApiError(400, "bad_content_length", "Content-Length is not a number") from exc
        if size > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    received = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def json_object(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiError(422, "invalid_json", f"body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_json", "body must be a JSON object")
    return data


def ticket_tenant(data: dict[str, Any]) -> str:
    tenant = data.get("tenant")
    if isinstance(tenant, str) and tenant:
        return tenant
    raise ApiError(422, "invalid_request", "tenant: required, a non-empty string")


def ticket(data: dict[str, Any]) -> IngestRequest:
    try:
        return IngestRequest.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", validation_message(exc.errors())) from exc


def batch(data: dict[str, Any]) -> IngestBatchRequest:
    try:
        return IngestBatchRequest.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", validation_message(exc.errors())) from exc


def batch_tenant(request: IngestBatchRequest) -> str:
    """The one tenant a batch is for; items without a tenant fail on their own later."""
    tenants = {t["tenant"] for t in request.tickets if isinstance(t.get("tenant"), str)} - {""}
    if len(tenants) > 1:
        raise ApiError(422, "mixed_tenants", "all tickets of a batch must name the same tenant")
    if not tenants:
        raise ApiError(422, "invalid_request", "tickets: no ticket names a tenant")
    return tenants.pop()


def batch_item(item: dict[str, Any]) -> IngestRequest | IngestResult:
    """The validated ticket, or its rejection: one bad item does not sink the batch."""
    try:
        return IngestRequest.model_validate(item)
    except ValidationError as exc:
        return IngestResult(
            status="rejected",
            error=IngestError(code="invalid_request", message=validation_message(exc.errors())),
        )
