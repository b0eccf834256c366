"""From an upstream request to the ``tickets.raw`` event: ids and the player hash.

Ids depend only on (tenant, message_id), so a resubmitted message answers the
same ``ticket_id``/``event_id`` and downstream stages recognise a re-publish.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from libs.security import player_ref
from schemas import RawTicket, derive_event_id, ticket_id_for
from schemas.ingest import IngestRequest

#: Purpose string of the raw event id; fixed forever like the ticket namespace.
RAW_PURPOSE = "raw"


@dataclass(frozen=True)
class TicketIds:
    ticket_id: str
    event_id: uuid.UUID


def ids_for(tenant: str, message_id: str) -> TicketIds:
    ticket_id = ticket_id_for(tenant, message_id)
    return TicketIds(ticket_id, derive_event_id(ticket_id, RAW_PURPOSE))


def _metadata_value(value: str | int | float | bool) -> str:
    # JSON spelling, so True travels as "true" rather than Python's "True".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_raw_ticket(
    request: IngestRequest, *, player_hash_key: str, producer: str, received_at: datetime
) -> RawTicket:
    """The raw event for ``request``; the player id is replaced by its keyed hash."""
    ids = ids_for(request.tenant, request.message_id)
    return RawTicket(
        **RawTicket.envelope(
            event_id=ids.event_id,
            ticket_id=ids.ticket_id,
            tenant=request.tenant,
            producer=producer,
        ),
        message_id=request.message_id,
        player_ref=player_ref(player_hash_key, request.tenant, request.player_id),
        text=request.text,
        channel=request.channel,
        locale=request.locale,
        callback_url=None if request.callback_url is None else str(request.callback_url),
        metadata={k: _metadata_value(v) for k, v in request.metadata.items()},
        received_at=received_at,
    )
