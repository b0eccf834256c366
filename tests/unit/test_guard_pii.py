"""PII redaction: what is replaced, what survives, and the placeholders."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from services.guard import pii
from services.guard.pii import iban_valid, luhn_valid, redact


def kinds(text: str) -> list[str]:
    return [item.kind for item in redact(text).items]


# --- emails ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["bob@example.com", "jane.doe+gems@mail.example.co.uk", "X_Y-1@sub.domain.io"]
)
def test_emails_are_redacted(email: str) -> None:
    result = redact(f"Contact me at {email}.")
    assert result.text == "Contact me at [EMAIL_1]."
    assert [(i.kind, i.placeholder) for i in result.items] == [("email", "[EMAIL_1]")]


def test_the_same_value_keeps_its_placeholder_and_others_are_numbered() -> None:
    result = redact("a@example.com, b@example.com, again a@example.com")
    assert result.text == "[EMAIL_1], [EMAIL_2], again [EMAIL_1]"
    assert [i.placeholder for i in result.items] == ["[EMAIL_1]", "[EMAIL_2]"]


@pytest.mark.parametrize("text", ["@everyone gg", "user@localhost", "price: 5@10 gems"])
def test_mentions_and_non_addresses_are_not_emails(text: str) -> None:
    assert redact(text).text == text


# --- cards -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",  # Visa test number
        "4111-1111-1111-1111",
        "5555555555554444",  # Mastercard test number
        "3782 822463 10005",  # Amex test number (15 digits)
    ],
)
def test_luhn_valid_card_numbers_are_redacted(card: str) -> None:
    result = redact(f"charged on {card} twice")
    assert result.text == "charged on [CARD_1] twice"
    assert kinds(f"charged on {card} twice") == ["card"]


@pytest.mark.parametrize(
    "number",
    [
        "4111 1111 1111 1112",  # Luhn-invalid
        "1234567812345678",  # a 16-digit order id, Luhn-invalid
        "0000 0000 0000 0000",  # Luhn-valid but not a card
        "12345678901234567890123",  # too long
    ],
)
def test_other_long_numbers_are_not_cards(number: str) -> None:
    assert "card" not in kinds(f"order {number}")


def test_a_card_followed_by_a_number_is_still_found() -> None:
    assert redact("card 4111 1111 1111 1111 2 times").text == "card [CARD_1] 2 times"


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


# --- phones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0958",
        "+1 (555) 123-4567",
        "+49-170-1234567",
        "+33 6 12 34 56 78",
        "0049 170 1234567",
        "(555) 123-4567",
        "555.123.4567",
        "030 1234567",
        "+4915112345678",
    ],
)
def test_phone_numbers_in_common_formats_are_redacted(phone: str) -> None:
    assert redact(f"call me on {phone} please").text == "call me on [PHONE_1] please"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+44 20 7946 0958 344492a26e", "[PHONE_1] 344492a26e"),
        ("+44 20 7946 0958 2 times, sorry", "[PHONE_1] 2 times, sorry"),
        ("(555) 123-4567 or 555 123 4567", "[PHONE_1] or [PHONE_2]"),
    ],
)
def test_a_phone_followed_by_numbers_is_cut_to_the_number(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "since 05.03.2024 the game crashes",
        "build 1.42.0 on 2024-05-01",
        "order 123456789 and 1200 gems",
        "error 0x80070005",
        "at 12:30:45 I lost 50000 gold",
    ],
)
def test_dates_versions_and_ids_are_not_phones(text: str) -> None:
    assert redact(text).text == text


# --- IP addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "192.168.0.1",
        "8.8.8.8",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "2001:db8::8a2e:370:7334",
        "fe80::1",
        "::ffff:10.0.0.1",
    ],
)
def test_ip_addresses_are_redacted(address: str) -> None:
    assert redact(f"my ip is {address}.").text == "my ip is [IP_1]."


@pytest.mark.parametrize(
    "text",
    [
        "patch v1.2.3.4 broke it",
        "version 1.42.0",
        "time 12:30:45",
        "mac 00:1a:2b:3c:4d:5e",
        "C++ std::vector crash",
        "999.1.1.1 is no address",
    ],
)
def test_versions_times_and_macs_are_not_ips(text: str) -> None:
    assert redact(text).text == text


# --- IBANs and secrets ---------------------------------------------------------------


def test_valid_ibans_are_redacted_with_or_without_spaces() -> None:
    text = "DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432 THANKS"
    assert redact(text).text == "[IBAN_1] or [IBAN_2] THANKS"


def test_iban_checksum() -> None:
    assert iban_valid("DE89370400440532013000")
    assert not iban_valid("DE89370400440532013001")
    assert "iban" not in kinds("DE89 3704 0044 0532 0130 01")


@pytest.mark.parametrize(
    "secret",
    [
        "sk-" + "proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2",
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "ghp_" + "a" * 36,
        "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXBhcnQ",
    ],
)
def test_obvious_secrets_are_redacted(secret: str) -> None:
    assert redact(f"my key {secret} leaked").text == "my key [SECRET_1] leaked"


def test_only_the_value_of_a_password_is_redacted() -> None:
    assert redact("login: bob, password: hunter2").text == "login: bob, password: [SECRET_1]"


# --- together ----------------------------------------------------------------------------


def test_mixed_pii_is_all_replaced_and_no_value_survives() -> None:
    values = ["bob@example.com", "4111 1111 1111 1111", "+44 20 7946 0958", "10.1.2.3"]
    text = "mail {}, card {}, phone {}, ip {}".format(*values)
    result = redact(text)
    assert result.text == "mail [EMAIL_1], card [CARD_1], phone [PHONE_1], ip [IP_1]"
    assert not any(value in result.text for value in values)
    assert [i.kind for i in result.items] == ["email", "card", "phone", "ip"]


def test_text_without_pii_is_unchanged() -> None:
    text = "I bought 1200 gems twice on build 1.42.0, order GPA.3333-4444-5555-66666"
    result = redact(text)
    assert result.text == text
    assert result.items == []


# --- mapping for the vault ---------------------------------------------------------------------


def test_the_mapping_gives_each_placeholder_its_value() -> None:
    result = redact("a@example.com and +44 20 7946 0958, again a@example.com")
    assert result.mapping == {"[EMAIL_1]": "a@example.com", "[PHONE_1]": "+44 20 7946 0958"}
    assert "a@example.com" not in repr(result)


def test_no_pii_means_an_empty_mapping() -> None:
    assert redact("my gems are gone").mapping == {}


# --- prefilters ------------------------------------------------------------------------
# Each detector first checks a cheap condition that every one of its matches meets.


def _random_texts(alphabet: str, count: int = 4000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(4, 40))) for _ in range(count)]


@pytest.mark.parametrize(
    ("regex", "hint", "alphabet"),
    [
        (pii._IBAN, pii._IBAN_HINT.search, "ABDEGZ0123456789 "),
        (pii._CARD, pii._CARD_HINT.search, "0123456789 -+"),
        (pii._IPV4, pii._IPV4_HINT.search, "1250....  "),
        (pii._PHONE, pii._PHONE_HINT.search, "+0123456789 \t().-x"),
        (pii._EMAIL, lambda text: "@" in text, "ab1..@ "),
    ],
)
def test_each_hint_admits_every_match_of_its_detector(
    regex: re.Pattern[str], hint: Callable[[str], object], alphabet: str
) -> None:
    matches = [m.group() for text in _random_texts(alphabet) for m in regex.finditer(text)]
    assert len(matches) > 50  # the random texts do exercise the detector
    assert all(hint(match) for match in matches)


def test_the_ipv6_hint_admits_every_address_the_detector_keeps() -> None:
    values = [
        m.group().rstrip(".")
        for text in _random_texts("0123456789abcdefABCDEF::::..%eth ")
        for m in pii._IPV6.finditer(text)
    ]
    kept = [value for value in values if value.count(":") >= 2]
    assert len(kept) > 50
    assert all(pii._IPV6_HINT.search(value) for value in kept)


@pytest.mark.parametrize(
    "token",
    [
        "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----",
        "sk-ant-" + "a" * 30,
        "sk-" + "b" * 24,
        "AKIA" + "B" * 16,
        "ghp_" + "c" * 36,
        "xox" + "b-" + "1" * 10 + "-abc",  # built, so the tree holds no token-shaped literal
        "eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl",
    ],
)
def test_every_secret_shape_starts_with_a_listed_start(token: str) -> None:
    assert pii._SECRET_TOKEN.fullmatch(token)
    assert any(token.startswith(start) for start in pii._SECRET_STARTS)


@pytest.mark.parametrize(
    "text",
    [
        "password: hunter2",
        "PASSWORD=hunter2",
        "Passwort: geheim",
        "contraseña: secreto",
        "mot de passe = secret",
        "pwd=x1",
        "paſſword: hunter2",  # long s: re's case-insensitive matching folds it to "s"
        "PAſSWORD:hunter2",
    ],
)
def test_the_password_hint_admits_every_password_line(text: str) -> None:
    assert pii._PASSWORD.search(text)
    assert pii._may_hold_password(text)
    assert kinds(text) == ["secret"]
