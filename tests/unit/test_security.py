"""libs.security: webhook signatures (rotation, replay window, malformed headers), player hashes."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from libs.security import (
    SignatureError,
    hash_token,
    player_ref,
    sign,
    token_matches,
    verify,
)

BODY = b'{"message_id":"zd-1","tenant":"starfall"}'
NOW = 1_700_000_000


def _code(header: str | None, secrets: list[str], now: float = NOW) -> str:
    with pytest.raises(SignatureError) as info:
        verify(header, BODY, secrets, now=now, window_s=300)
    return info.value.code


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", BODY, timestamp=NOW) == f"t={NOW},v1={expected}"


def test_own_signature_verifies() -> None:
    verify(sign("s3cret", BODY, timestamp=NOW), BODY, ["s3cret"], now=NOW)


def test_wrong_secret_is_invalid() -> None:
    assert _code(sign("other", BODY, timestamp=NOW), ["s3cret"]) == "signature_invalid"


def test_changed_body_is_invalid() -> None:
    header = sign("s3cret", BODY, timestamp=NOW)
    with pytest.raises(SignatureError) as info:
        verify(header, BODY + b" ", ["s3cret"], now=NOW)
    assert info.value.code == "signature_invalid"


def test_changed_timestamp_is_invalid() -> None:
    mac = sign("s3cret", BODY, timestamp=NOW).split("v1=")[1]
    assert _code(f"t={NOW + 1},v1={mac}", ["s3cret"]) == "signature_invalid"


@pytest.mark.parametrize("age", [301, -301, 10_000])
def test_timestamp_outside_the_replay_window_is_expired(age: int) -> None:
    header = sign("s3cret", BODY, timestamp=NOW - age)
    assert _code(header, ["s3cret"]) == "signature_expired"


@pytest.mark.parametrize("age", [300, -300, 0])
def test_timestamp_at_the_window_edge_is_accepted(age: int) -> None:
    verify(sign("s3cret", BODY, timestamp=NOW - age), BODY, ["s3cret"], now=NOW, window_s=300)


def test_stale_signature_is_refused_even_with_the_right_secret() -> None:
    # A captured request replayed later must not go through.
    header = sign("s3cret", BODY, timestamp=NOW)
    verify(header, BODY, ["s3cret"], now=NOW + 299)
    assert _code(header, ["s3cret"], now=NOW + 301) == "signature_expired"


def test_rotation_accepts_any_configured_secret() -> None:
    secrets = ["new-secret", "old-secret"]
    verify(sign("old-secret", BODY, timestamp=NOW), BODY, secrets, now=NOW)
    verify(sign("new-secret", BODY, timestamp=NOW), BODY, secrets, now=NOW)
    assert _code(sign("retired", BODY, timestamp=NOW), secrets) == "signature_invalid"


def test_any_of_several_v1_values_may_match() -> None:
    good = sign("s3cret", BODY, timestamp=NOW).split("v1=")[1]
    verify(f"t={NOW},v1={'0' * 64},v1={good}", BODY, ["s3cret"], now=NOW)


def test_no_secrets_means_nothing_verifies() -> None:
    assert _code(sign("s3cret", BODY, timestamp=NOW), []) == "signature_invalid"


@pytest.mark.parametrize("header", [None, ""])
def test_missing_header(header: str | None) -> None:
    assert _code(header, ["s3cret"]) == "signature_missing"


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"t={NOW}",
        f"v1={'a' * 64}",
        f"t=yesterday,v1={'a' * 64}",
        f"t={NOW};v1={'a' * 64}",
    ],
)
def test_malformed_headers(header: str) -> None:
    assert _code(header, ["s3cret"]) == "signature_malformed"


def test_player_ref_is_stable_keyed_and_scoped_by_tenant() -> None:
    ref = player_ref("key", "starfall", "p-4711")
    assert ref == player_ref("key", "starfall", "p-4711")
    assert ref != player_ref("other-key", "starfall", "p-4711")
    assert ref != player_ref("key", "demo", "p-4711")
    assert ref != player_ref("key", "starfall", "p-4712")
    assert ref.startswith("p_") and len(ref) == 34
    assert "4711" not in ref


def test_player_ref_is_not_a_plain_hash_of_the_id() -> None:
    # Without the key, a dictionary of player ids must not reveal who it is.
    plain = hashlib.sha256(b"starfall\x1fp-4711").hexdigest()[:32]
    assert player_ref("key", "starfall", "p-4711") != "p_" + plain


def test_token_hash_matches_only_its_token() -> None:
    stored = hash_token("tok-123")
    assert stored != "tok-123"
    assert token_matches("tok-123", stored)
    assert not token_matches("tok-124", stored)
