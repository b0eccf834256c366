"""Request -> tickets.raw event: deterministic ids, player hash, field mapping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from libs.security import player_ref
from schemas import RawTicket, derive_event_id, ticket_id_for
from schemas.ingest import IngestRequest
from services.ingest.mapping import ids_for, to_raw_ticket
from services.ingest.settings import IngestSettings

RECEIVED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _request(**overrides: object) -> IngestRequest:
    data: dict[str, object] = {
        "message_id": "zd-88123",
        "tenant": "starfall",
        "player_id": "p-4711",
        "text": "I bought 1200 gems twice, charged two times!",
        "channel": "email",
        "locale": "en",
        "callback_url": "https://desk.example/hooks/triage",
        "metadata": {"platform": "ps5", "build": "1.42.0", "vip": True, "level": 42, "ltv": 9.5},
    }
    data.update(overrides)
    return IngestRequest.model_validate(data)


def _raw(request: IngestRequest) -> RawTicket:
    return to_raw_ticket(
        request, player_hash_key="k", producer="ingest@0.1.0", received_at=RECEIVED
    )


def test_ids_depend_only_on_tenant_and_message_id() -> None:
    ids = ids_for("starfall", "zd-88123")
    assert ids == ids_for("starfall", "zd-88123")
    assert ids.ticket_id == ticket_id_for("starfall", "zd-88123")
    assert ids.event_id == derive_event_id(ids.ticket_id, "raw")
    assert ids_for("demo", "zd-88123").ticket_id != ids.ticket_id
    assert ids_for("starfall", "zd-88124").ticket_id != ids.ticket_id


def test_resubmission_with_other_content_keeps_the_ids() -> None:
    first = _raw(_request())
    again = _raw(_request(text="different words", player_id="p-9"))
    assert (again.ticket_id, again.event_id) == (first.ticket_id, first.event_id)


def test_raw_ticket_carries_the_envelope() -> None:
    raw = _raw(_request())
    assert raw.schema_id == "tickets.raw/1"
    assert raw.event_id == uuid.UUID(str(ids_for("starfall", "zd-88123").event_id))
    assert raw.ticket_id == ticket_id_for("starfall", "zd-88123")
    assert raw.tenant == "starfall"
    assert raw.producer == "ingest@0.1.0"
    assert raw.occurred_at.tzinfo is not None
    assert raw.received_at == RECEIVED


def test_player_id_is_replaced_by_its_keyed_hash() -> None:
    raw = _raw(_request())
    assert raw.player_ref == player_ref("k", "starfall", "p-4711")
    assert b"p-4711" not in raw.to_json()
    assert "player_id" not in raw.model_dump(by_alias=True)


def test_fields_are_copied() -> None:
    raw = _raw(_request())
    assert raw.message_id == "zd-88123"
    assert raw.text == "I bought 1200 gems twice, charged two times!"
    assert (raw.channel, raw.locale) == ("email", "en")
    assert raw.callback_url == "https://desk.example/hooks/triage"


def test_metadata_values_become_json_spelled_strings() -> None:
    raw = _raw(_request())
    assert raw.metadata == {
        "platform": "ps5",
        "build": "1.42.0",
        "vip": "true",
        "level": "42",
        "ltv": "9.5",
    }


def test_optional_fields_default() -> None:
    raw = _raw(
        IngestRequest.model_validate(
            {"message_id": "m", "tenant": "demo", "player_id": "p", "text": "hi"}
        )
    )
    assert (raw.channel, raw.locale, raw.callback_url, raw.metadata) == ("web", None, None, {})


def test_raw_ticket_round_trips_through_json() -> None:
    raw = _raw(_request())
    assert RawTicket.from_json(raw.to_json()) == raw


def test_claim_must_outlast_the_send_timeout() -> None:
    with pytest.raises(ValueError, match="ingest_inflight_ttl_s"):
        IngestSettings(ingest_inflight_ttl_s=5, kafka_send_timeout_s=10)
