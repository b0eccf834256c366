"""The envelope every topic message carries, and deterministic ids.

Ids are uuid5 so that a redelivered input yields the same output ids and
duplicates are recognisable downstream.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

#: Namespace for ticket ids; fixed forever, changing it re-keys every ticket.
TICKET_NAMESPACE = uuid.UUID("6f1c1b8e-2f0a-4e4b-9d55-2b1f0c0d7a11")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


def ticket_id_for(tenant: str, message_id: str) -> str:
    """One ticket per upstream message: the same (tenant, message_id) always maps here."""
    return str(uuid.uuid5(TICKET_NAMESPACE, f"{tenant}\x1f{message_id}"))


def derive_event_id(parent: uuid.UUID | str, purpose: str) -> uuid.UUID:
    """The id of an event derived from ``parent`` for ``purpose`` (stable across redeliveries)."""
    return uuid.uuid5(uuid.UUID(str(parent)), purpose)


class Contract(BaseModel):
    """Base for every contract: unknown fields are ignored so additive changes are safe."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=False)


class Envelope(Contract):
    """Fields every topic message starts with."""

    SCHEMA: ClassVar[str] = ""

    event_id: uuid.UUID
    schema_id: str = Field(alias="schema", description="'<topic family>/<version>'")
    occurred_at: UtcDatetime
    ticket_id: str
    tenant: str = Field(min_length=1, max_length=64)
    producer: str = Field(description="'service@version'")

    @classmethod
    def envelope(
        cls, *, event_id: uuid.UUID, ticket_id: str, tenant: str, producer: str
    ) -> dict[str, object]:
        """Envelope keyword arguments for a new message of this model."""
        return {
            "event_id": event_id,
            "schema": cls.SCHEMA,
            "occurred_at": utcnow(),
            "ticket_id": ticket_id,
            "tenant": tenant,
            "producer": producer,
        }

    def derive(self, purpose: str) -> uuid.UUID:
        return derive_event_id(self.event_id, purpose)

    def to_json(self) -> bytes:
        return self.model_dump_json(by_alias=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Self:
        return cls.model_validate_json(raw)
