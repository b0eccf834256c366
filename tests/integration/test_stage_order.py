"""The stage runner keeps one ticket's events in order while two batches are in flight.

Runs ``bench.nullstage`` (the real stage runner with a pass-through guard
handler that sleeps a random few milliseconds and flags overlapping events of one
ticket) as a process over many events of a few tickets, so nearly every batch
shares keys with the batch before it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from libs import topics
from schemas import GuardedTicket, RawTicket, ticket_id_for, utcnow
from tests.support.stack import StackInfo, consume, produce, service

pytestmark = pytest.mark.integration

TICKETS = 4
EVENTS_PER_TICKET = 100


def raw_event(ticket_id: str, text: str) -> RawTicket:
    return RawTicket.model_validate(
        {
            **RawTicket.envelope(
                event_id=uuid.uuid4(), ticket_id=ticket_id, tenant="starfall", producer="test@0"
            ),
            "message_id": ticket_id,
            "player_ref": "ph",
            "text": text,
            "received_at": utcnow(),
        }
    )


async def test_each_tickets_events_come_out_in_input_order(
    stack: StackInfo, tmp_path: Path
) -> None:
    marker = uuid.uuid4().hex
    ids = [ticket_id_for("starfall", f"order-{marker}-{n}") for n in range(TICKETS)]
    events = [
        raw_event(ticket_id, f"{marker} {seq}")
        for seq in range(EVENTS_PER_TICKET)
        for ticket_id in ids
    ]
    env = stack.env(
        TRIAGE_STAGE_BATCH_SIZE="20",
        TRIAGE_STAGE_CONCURRENCY="8",
        TRIAGE_BENCH_HANDLER_DELAY_S="0.005",
    )
    with service(["bench.nullstage"], env, tmp_path / "stage.log") as proc:
        await produce(
            stack.kafka_bootstrap,
            [(topics.RAW.name, e.ticket_id.encode(), e.to_json()) for e in events],
        )
        out = await consume(
            stack.kafka_bootstrap, [topics.GUARDED.name], until=len(events), match=marker.encode()
        )
        assert proc.poll() is None, (tmp_path / "stage.log").read_text()

    seqs: dict[str, list[int]] = defaultdict(list)
    for message in out:
        ticket = GuardedTicket.from_json(message.value)
        assert "overlap" not in ticket.text, "two events of one ticket were handled at once"
        seqs[ticket.ticket_id].append(int(ticket.text.split()[1]))
    assert set(seqs) == set(ids)
    for ticket_id in ids:
        assert seqs[ticket_id] == list(range(EVENTS_PER_TICKET)), ticket_id
