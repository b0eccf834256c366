"""Bench inputs: ingest payloads (signed HTTP requests) and ready-made topic records."""

from __future__ import annotations

import json
import uuid

from libs.devstack.client import load_samples
from libs.security import SIGNATURE_HEADER, sign
from schemas import GuardedTicket, RawTicket, ticket_id_for, utcnow

TENANT = "starfall"
SECRET = "dev-secret-starfall"
_SAMPLES = [s for s in load_samples() if s["tenant"] == TENANT]


def payload(run_id: str, i: int) -> dict[str, object]:
    """A realistic ticket (the demo samples in turn) with its own message and player id."""
    sample = _SAMPLES[i % len(_SAMPLES)]
    return {
        **sample,
        "message_id": f"bench-{run_id}-{i}",
        "player_id": f"p-bench-{i}",
    }


def http_request(host: str, path: str, body: bytes, signature: str | None) -> bytes:
    """One HTTP/1.1 keep-alive POST, as raw bytes."""
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if signature:
        head.append(f"{SIGNATURE_HEADER}: {signature}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def signed_requests(host: str, run_id: str, count: int) -> list[bytes]:
    """``count`` distinct signed ticket posts (unique message ids, so no duplicates)."""
    out = []
    for i in range(count):
        body = json.dumps(payload(run_id, i)).encode()
        out.append(http_request(host, "/v1/tickets", body, sign(SECRET, body)))
    return out


def _envelope(model: type[RawTicket] | type[GuardedTicket], message_id: str) -> dict[str, object]:
    return dict(
        model.envelope(
            event_id=uuid.uuid4(),
            ticket_id=ticket_id_for(TENANT, message_id),
            tenant=TENANT,
            producer="bench@0",
        )
    )


def raw_records(run_id: str, count: int) -> list[tuple[bytes, bytes]]:
    """``(key, value)`` records of ``tickets.raw.v1`` (as ingest writes them)."""
    out = []
    for i in range(count):
        data = payload(run_id, i)
        mid = str(data["message_id"])
        ticket = RawTicket.model_validate(
            {
                **_envelope(RawTicket, mid),
                "message_id": mid,
                "player_ref": f"ph-{i}",
                "text": data["text"],
                "channel": data.get("channel", "web"),
                "received_at": utcnow(),
            }
        )
        out.append((ticket.ticket_id.encode(), ticket.to_json()))
    return out


def guarded_records(run_id: str, count: int) -> list[tuple[bytes, bytes]]:
    """``(key, value)`` records of ``tickets.guarded.v1`` (passed by the guard)."""
    out = []
    for i in range(count):
        data = payload(run_id, i)
        mid = str(data["message_id"])
        ticket = GuardedTicket.model_validate(
            {
                **_envelope(GuardedTicket, mid),
                "message_id": mid,
                "player_ref": f"ph-{i}",
                "text": data["text"],
                "channel": data.get("channel", "web"),
                "received_at": utcnow(),
                "verdict": "pass",
            }
        )
        out.append((ticket.ticket_id.encode(), ticket.to_json()))
    return out
