"""PII vault logic without Redis: sealing values and spotting them in drafts."""

from __future__ import annotations

import pytest

from services.guard.vault import VaultError, find_leaks, new_key, seal, unseal

KEY = new_key()


def test_values_are_encrypted_with_a_key_and_come_back() -> None:
    stored = seal("jane@example.com", KEY)
    assert b"jane" not in stored
    assert seal("jane@example.com", KEY) != stored  # Fernet tokens are randomised
    assert unseal(stored, KEY) == "jane@example.com"


def test_without_a_key_values_are_stored_plain_and_read_by_anyone() -> None:
    stored = seal("+44 20 7946 0958", None)
    assert unseal(stored, None) == unseal(stored, KEY) == "+44 20 7946 0958"


@pytest.mark.parametrize(
    ("stored", "key", "message"),
    [
        (seal("x@example.com", KEY), None, "GUARD_PII_KEY is needed"),
        (seal("x@example.com", KEY), new_key(), "does not decrypt"),
        (b"garbage", KEY, "unknown format"),
        (b"f1:whatever", "not-a-fernet-key", "32 url-safe"),
    ],
)
def test_unreadable_values_raise_vault_errors(stored: bytes, key: str | None, message: str) -> None:
    with pytest.raises(VaultError, match=message):
        unseal(stored, key)


MAPPING = {
    "[EMAIL_1]": "Jane.Doe@example.com",
    "[CARD_1]": "4111 1111 1111 1111",
    "[PHONE_1]": "+44 20 7946 0958",
    "[SECRET_1]": "hunter2",
}


@pytest.mark.parametrize(
    ("draft", "leaks"),
    [
        ("We will write to jane.doe@EXAMPLE.com today.", ["[EMAIL_1]"]),
        ("Your card 4111-1111-1111-1111 was refunded.", ["[CARD_1]"]),
        ("Call +44 (20) 7946-0958 or use hunter2", ["[PHONE_1]", "[SECRET_1]"]),
        ("We will write to [EMAIL_1] today; order 4111 is shipped.", []),
    ],
)
def test_find_leaks_spots_values_in_other_spellings(draft: str, leaks: list[str]) -> None:
    assert find_leaks(draft, MAPPING) == leaks
