"""Ingest authentication: tenant allow-list first, then the tenant's signature."""

from __future__ import annotations

import pytest

from libs.http import ApiError
from libs.security import sign
from services.ingest.auth import authenticate

BODY = b'{"tenant":"starfall"}'
NOW = 1_700_000_000


def _check(header: str | None, secrets: list[str], *, require: bool = True) -> None:
    authenticate(
        "starfall", header, BODY, secrets, require_signature=require, window_s=300, now=NOW
    )


def test_signed_with_a_tenant_secret_passes() -> None:
    _check(sign("old", BODY, timestamp=NOW), ["new", "old"])


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "signature_missing"),
        ("t=1", "signature_malformed"),
        (sign("wrong", BODY, timestamp=NOW), "signature_invalid"),
        (sign("s3cret", BODY, timestamp=NOW - 3600), "signature_expired"),
    ],
)
def test_bad_signatures_are_401_with_their_code(header: str | None, code: str) -> None:
    with pytest.raises(ApiError) as info:
        _check(header, ["s3cret"])
    assert (info.value.status, info.value.code) == (401, code)


@pytest.mark.parametrize("require", [True, False])
def test_unknown_tenant_is_403_even_without_signature_checks(require: bool) -> None:
    with pytest.raises(ApiError) as info:
        _check(sign("s3cret", BODY, timestamp=NOW), [], require=require)
    assert (info.value.status, info.value.code) == (403, "unknown_tenant")


def test_signature_checks_can_be_disabled() -> None:
    _check(None, ["s3cret"], require=False)
    _check(sign("wrong", BODY, timestamp=NOW), ["s3cret"], require=False)
