"""Extraction rules: the exact strings support needs, in every language players write."""

from __future__ import annotations

import pytest

from schemas.tickets import Amount
from services.agent.local.extract import (
    amounts,
    error_codes,
    extract,
    game_mode,
    order_ids,
    parse_number,
    platform,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("game crashes with error SF-1042 on start", ["SF-1042"]),
        ("PS5 says CE-34878-0 then closes", ["CE-34878-0"]),
        ("Fehlercode 0x80070005 beim Start", ["0x80070005"]),
        ("code d'erreur 4012 en partie classée", ["4012"]),
        ("me sale el código de error E-2201", ["E-2201"]),
        ("log: [ERROR] NetClient: connection lost (ERR_CONN_TIMEOUT)", ["ERR_CONN_TIMEOUT"]),
        ("error 503 and then error SF-1042 again, error 503", ["503", "SF-1042"]),
    ],
)
def test_error_codes(text: str, expected: list[str]) -> None:
    assert error_codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "redeem code SUMMER2024 does not work",
        "my email is [EMAIL_1], error: connection lost",
        "what an error, honestly",
    ],
)
def test_no_error_code(text: str) -> None:
    assert error_codes(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Order ID: GPA.3345-1234-5678-91234", ["GPA.3345-1234-5678-91234"]),
        ("charged twice, ORD-8K2M4P1Q on my statement", ["ORD-8K2M4P1Q"]),
        ("Bestellnummer 778123991 wurde doppelt berechnet", ["778123991"]),
        ("commande n° 7781239911 : débitée deux fois", ["7781239911"]),
        ("meu pedido número TXN-88A7B6C2 não chegou", ["TXN-88A7B6C2"]),
        ("transaction id 4471123987654321 from steam", ["4471123987654321"]),
    ],
)
def test_order_ids(text: str, expected: list[str]) -> None:
    assert order_ids(text) == expected


def test_order_keyword_without_an_id_is_ignored() -> None:
    assert order_ids("I purchased 1200 gems, compra de 500 gemas, my order is late") == []


@pytest.mark.parametrize(
    ("raw", "value"),
    [("4,99", 4.99), ("4.99", 4.99), ("1.200", 1200.0), ("1,200", 1200.0), ("1.200,50", 1200.5)],
)
def test_parse_number_reads_both_decimal_conventions(raw: str, value: float) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("charged $9.99 twice", [Amount(value=9.99, currency="USD")]),
        ("9,99 € wurden abgebucht", [Amount(value=9.99, currency="EUR")]),
        ("paguei R$ 24,90 no cartão", [Amount(value=24.9, currency="BRL")]),
        ("19,99 euros débités", [Amount(value=19.99, currency="EUR")]),
        (
            "£4.99 for 2,500 gems",
            [Amount(value=4.99, currency="GBP"), Amount(value=2500, currency="gems")],
        ),
        ("$9.99 USD", [Amount(value=9.99, currency="USD")]),
    ],
)
def test_amounts_with_currency(text: str, expected: list[Amount]) -> None:
    assert amounts(text) == expected


def test_numbers_without_currency_are_not_amounts() -> None:
    assert amounts("I won 5 matches at level 50 in 2024") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("crash on my PS5", "ps5"),
        ("Xbox Series X, latest patch", "xbox"),
        ("playing on steam deck", "steam_deck"),
        ("on Steam, windows 11", "pc"),
        ("bought it in the App Store on my iPhone", "ios"),
        ("no celular android", "android"),
        ("no platform named here", None),
    ],
)
def test_platform(text: str, expected: str | None) -> None:
    assert platform(text) == expected


def test_platform_falls_back_to_upstream_metadata() -> None:
    assert platform("it crashes", {"platform": "PS5"}) == "ps5"
    assert platform("on my switch", {"platform": "pc"}) == "switch"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stuck in ranked", "ranked"),
        ("im Ranglisten-Modus", "ranked"),
        ("en partie classée", "ranked"),
        ("in co-op with friends", "co-op"),
        ("durante el torneo", "tournament"),
        ("na campanha", "campaign"),
        ("battle royale lobby", "battle_royale"),
        ("servidor BR lento", None),
    ],
)
def test_game_mode(text: str, expected: str | None) -> None:
    assert game_mode(text) == expected


def test_extract_combines_every_rule() -> None:
    fields = extract(
        "Charged twice (9,99 € x2) for order ORD-77AA88BB on PS5 in ranked, error SF-2001"
    )
    assert fields.error_codes == ["SF-2001"]
    assert fields.order_ids == ["ORD-77AA88BB"]
    assert fields.amounts == [Amount(value=9.99, currency="EUR")]
    assert fields.platform == "ps5"
    assert fields.game_mode == "ranked"
