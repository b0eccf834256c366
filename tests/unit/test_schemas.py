"""The checked-in JSON Schema files are the data team's contract: they must equal the models."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from schemas import RawTicket, derive_event_id, ticket_id_for, utcnow
from schemas.export import CONTRACTS, OUT, render


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_checked_in_schema_matches_model(name: str) -> None:
    path = OUT / f"{name}.json"
    assert path.exists(), f"{path} missing: run `make schemas`"
    assert path.read_text() == render(CONTRACTS[name]), f"{name} drifted: run `make schemas`"


def test_no_stray_schema_files() -> None:
    assert {p.stem for p in OUT.glob("*.json")} == set(CONTRACTS)


def _raw(**overrides: object) -> RawTicket:
    fields: dict[str, object] = {
        **RawTicket.envelope(
            event_id=uuid.uuid4(), ticket_id="t-1", tenant="starfall", producer="t@1"
        ),
        "message_id": "m-1",
        "player_ref": "p_abc",
        "text": "hello",
        "received_at": utcnow(),
    }
    fields.update(overrides)
    return RawTicket.model_validate(fields)


def test_envelope_serialises_schema_alias_and_round_trips() -> None:
    ticket = _raw()
    data = ticket.model_dump(mode="json", by_alias=True)
    assert data["schema"] == "tickets.raw/1"
    assert RawTicket.from_json(ticket.to_json()) == ticket


def test_naive_datetimes_are_refused_and_aware_ones_become_utc() -> None:
    with pytest.raises(ValidationError):
        _raw(received_at=datetime(2026, 1, 1, 12, 0))
    plus_two = timezone(timedelta(hours=2))
    ticket = _raw(received_at=datetime(2026, 1, 1, 12, 0, tzinfo=plus_two))
    assert ticket.received_at.utcoffset() == timedelta(0)
    assert ticket.received_at.hour == 10


def test_unknown_fields_are_ignored_so_additive_changes_are_safe() -> None:
    payload = _raw().model_dump(mode="json", by_alias=True) | {"added_later": 1}
    assert RawTicket.model_validate(payload).message_id == "m-1"


def test_ids_are_deterministic() -> None:
    assert ticket_id_for("starfall", "m-1") == ticket_id_for("starfall", "m-1")
    assert ticket_id_for("starfall", "m-1") != ticket_id_for("other", "m-1")
    parent = uuid.uuid4()
    assert derive_event_id(parent, "guard") == derive_event_id(parent, "guard")
    assert derive_event_id(parent, "guard") != derive_event_id(parent, "agent")
