"""Ingest request bodies: size limit, JSON, tenant extraction, per-item batch validation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import pytest
from starlette.requests import Request

from libs.http import ApiError
from schemas.ingest import IngestBatchRequest, IngestRequest, IngestResult
from services.ingest import body

GOOD = {"message_id": "m-1", "tenant": "starfall", "player_id": "p-1", "text": "help"}


def _request(chunks: Sequence[bytes], headers: dict[str, str] | None = None) -> Request:
    """A request whose body arrives in ``chunks`` (no network: an in-memory ASGI receive)."""
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "POST", "headers": raw_headers}, receive)


def _error(exc: pytest.ExceptionInfo[ApiError]) -> tuple[int, str]:
    return exc.value.status, exc.value.code


async def test_body_within_the_limit_is_read_whole() -> None:
    request = _request([b"ab", b"cd"], {"content-length": "4"})
    assert await body.read_body(request, 4) == b"abcd"


async def test_declared_size_over_the_limit_is_413_before_reading() -> None:
    request = _request([b"x"], {"content-length": "5"})
    with pytest.raises(ApiError) as info:
        await body.read_body(request, 4)
    assert _error(info) == (413, "payload_too_large")


async def test_actual_size_over_the_limit_is_413_without_content_length() -> None:
    request = _request([b"ab", b"cd", b"e"])
    with pytest.raises(ApiError) as info:
        await body.read_body(request, 4)
    assert _error(info) == (413, "payload_too_large")


async def test_understated_content_length_does_not_bypass_the_limit() -> None:
    request = _request([b"abcdef"], {"content-length": "2"})
    with pytest.raises(ApiError) as info:
        await body.read_body(request, 4)
    assert _error(info) == (413, "payload_too_large")


async def test_non_numeric_content_length_is_400() -> None:
    with pytest.raises(ApiError) as info:
        await body.read_body(_request([b"{}"], {"content-length": "lots"}), 4)
    assert _error(info) == (400, "bad_content_length")


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"[1, 2]", b'"text"'])
def test_body_must_be_a_json_object(raw: bytes) -> None:
    with pytest.raises(ApiError) as info:
        body.json_object(raw)
    assert _error(info) == (422, "invalid_json")


@pytest.mark.parametrize("tenant", [None, "", 5, ["starfall"]])
def test_ticket_without_a_string_tenant_is_422(tenant: object) -> None:
    data = {**GOOD, "tenant": tenant}
    with pytest.raises(ApiError) as info:
        body.ticket_tenant(data)
    assert _error(info) == (422, "invalid_request")


def test_ticket_tenant_is_read_before_validation() -> None:
    assert body.ticket_tenant({"tenant": "starfall", "text": 5}) == "starfall"


def test_invalid_ticket_is_422_naming_the_fields() -> None:
    with pytest.raises(ApiError) as info:
        body.ticket({**GOOD, "text": "", "surprise": 1})
    assert _error(info) == (422, "invalid_request")
    assert "text" in info.value.message and "surprise" in info.value.message


def test_valid_ticket() -> None:
    assert body.ticket(GOOD) == IngestRequest.model_validate(GOOD)


def _batch(*tickets: dict[str, Any]) -> IngestBatchRequest:
    return body.batch(orjson.loads(orjson.dumps({"tickets": list(tickets)})))


def test_batch_tenant_is_the_one_all_items_name() -> None:
    assert body.batch_tenant(_batch(GOOD, {**GOOD, "message_id": "m-2"})) == "starfall"


def test_batch_items_without_a_tenant_do_not_decide_it() -> None:
    no_tenant = {k: v for k, v in GOOD.items() if k != "tenant"}
    assert body.batch_tenant(_batch(no_tenant, GOOD, {**GOOD, "tenant": ""})) == "starfall"


def test_batch_with_two_tenants_is_refused() -> None:
    with pytest.raises(ApiError) as info:
        body.batch_tenant(_batch(GOOD, {**GOOD, "tenant": "demo"}))
    assert _error(info) == (422, "mixed_tenants")


def test_batch_where_no_item_names_a_tenant_is_refused() -> None:
    with pytest.raises(ApiError) as info:
        body.batch_tenant(_batch({"text": "hi"}))
    assert _error(info) == (422, "invalid_request")


@pytest.mark.parametrize(
    "data", [{"tickets": []}, {"tickets": [GOOD] * 501}, {"items": [GOOD]}, {"tickets": [1]}]
)
def test_batch_shape_is_checked_as_a_whole(data: dict[str, Any]) -> None:
    with pytest.raises(ApiError) as info:
        body.batch(data)
    assert _error(info) == (422, "invalid_request")


def test_batch_items_are_validated_one_by_one() -> None:
    good = body.batch_item(GOOD)
    bad = body.batch_item({**GOOD, "player_id": ""})
    assert good == IngestRequest.model_validate(GOOD)
    assert isinstance(bad, IngestResult)
    assert bad.status == "rejected"
    assert bad.error is not None and bad.error.code == "invalid_request"
    assert "player_id" in bad.error.message
