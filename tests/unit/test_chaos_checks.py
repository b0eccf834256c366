"""The chaos verdict rules, on hand-made topic contents (no broker)."""

from __future__ import annotations

import uuid
from itertools import count
from typing import Any

import orjson

from libs import topics
from libs.codec import dead_letter, encode
from schemas import ActionOutcome, Envelope
from tests.chaos.checks import Seen, judge
from tests.support.tickets import action, triaged_ticket

_offsets = count()


def _seen(topic: str, model: Envelope | dict[str, str]) -> Seen:
    offset = next(_offsets)
    value = orjson.dumps(model) if isinstance(model, dict) else encode(model)
    return Seen(topic, 0, offset, offset, b"k", value)


def _step(ticket_id: str, **fields: str) -> dict[str, str]:
    """A stand-in for an upstream step's event: the rules only read its envelope there."""
    return {"event_id": str(uuid.uuid4()), "ticket_id": ticket_id, **fields}


def _outcome(ticket_id: str, action_id: uuid.UUID, event_id: uuid.UUID, **extra: Any) -> Envelope:
    return ActionOutcome.model_validate(
        {
            **ActionOutcome.envelope(
                event_id=event_id, ticket_id=ticket_id, tenant="starfall", producer="t@1"
            ),
            "action_id": action_id,
            "tool": "send_reply",
            "args": {"text": "hi"},
            "status": "executed",
            "decided_by": "policy",
            "decision_channel": "policy",
            "decided_at": "2026-11-21T00:00:00Z",
            "message_id": "m",
            "callback_url": "http://sink/callbacks/starfall",
            **extra,
        }
    )


def _pipeline(*, duplicate_outcome: bool = False, second_outcome: bool = False) -> dict[str, Any]:
    reply, grant = action("send_reply", text="hi"), action("grant_compensation", gems=10)
    ticket = triaged_ticket(reply, grant)
    tid = ticket.ticket_id
    out = _outcome(tid, reply.action_id, uuid.uuid4())
    pending = _step(tid, action_id=str(grant.action_id))
    records = [
        _seen(topics.RAW.name, _step(tid)),
        _seen(topics.GUARDED.name, _step(tid)),
        _seen(topics.TRIAGED.name, ticket),
        _seen(topics.EXECUTED.name, out),
        _seen(topics.PENDING.name, pending),
    ]
    if duplicate_outcome:
        records.append(_seen(topics.EXECUTED.name, out))
    if second_outcome:
        records.append(_seen(topics.EXECUTED.name, _outcome(tid, reply.action_id, uuid.uuid4())))
    sink = [
        {"path": "/tools/send_reply", "body": {"action_id": str(reply.action_id)}},
        {"path": "/webhook", "body": {"action_id": str(grant.action_id)}},
        {
            "path": "/callbacks/starfall",
            "body": {"action_id": str(reply.action_id), "status": "executed"},
        },
    ]
    return {"accepted": {tid: ticket.message_id}, "records": records, "sink": sink, "tid": tid}


def test_a_clean_run_passes() -> None:
    run = _pipeline()
    verdict = judge(run["accepted"], run["records"], run["sink"], [])
    assert verdict.ok, verdict
    assert (verdict.settled, verdict.actions) == (1, 2)
    assert dict(verdict.effects) == {"tool": 1, "webhook": 1, "callback": 1}


def test_a_redelivered_record_is_a_counted_duplicate_not_a_second_outcome() -> None:
    run = _pipeline(duplicate_outcome=True)
    verdict = judge(run["accepted"], run["records"], run["sink"], [])
    assert verdict.ok
    assert verdict.duplicate_records[topics.EXECUTED.name] == 1


def test_a_second_distinct_outcome_fails() -> None:
    run = _pipeline(second_outcome=True)
    verdict = judge(run["accepted"], run["records"], run["sink"], [])
    assert not verdict.ok
    assert len(verdict.double_outcome) == 1


def test_a_ticket_without_outcome_is_lost() -> None:
    run = _pipeline()
    records = [r for r in run["records"] if r.topic != topics.EXECUTED.name]
    verdict = judge(run["accepted"], records, run["sink"], [])
    assert [entry.split("/")[0] for entry in verdict.lost] == [run["tid"]]


def test_an_accepted_ticket_missing_from_raw_is_lost() -> None:
    verdict = judge({"t-unknown": "m"}, [], [], [])
    assert verdict.lost == [f"t-unknown: not on {topics.RAW.name}"]


def test_a_tool_called_twice_or_a_callback_never_sent_fails() -> None:
    run = _pipeline()
    sink = [run["sink"][0], run["sink"][0], run["sink"][1]]
    verdict = judge(run["accepted"], run["records"], sink, [])
    assert len(verdict.double_effects) == 1 and "ran 2x" in verdict.double_effects[0]
    assert len(verdict.missing_effects) == 1 and "callback" in verdict.missing_effects[0]


def test_out_of_order_stages_or_split_partitions_fail() -> None:
    run = _pipeline()
    records = list(run["records"])
    raw = records[0]
    records[0] = Seen(raw.topic, raw.partition, raw.offset, 10_000, raw.key, raw.value)
    records.append(Seen(raw.topic, 5, 0, 0, raw.key, orjson.dumps(_step(run["tid"]))))
    verdict = judge(run["accepted"], records, run["sink"], [])
    kinds = " ".join(verdict.order_violations)
    assert "timestamps out of order" in kinds
    assert "partitions" in kinds


def test_the_dlq_must_hold_exactly_the_poison() -> None:
    letter = dead_letter(
        stage="guard",
        topic=topics.RAW.name,
        partition=0,
        offset=1,
        key=b"poison-1",
        value=b"\xff",
        error=ValueError("x"),
    )
    stray = dead_letter(
        stage="approval.triaged",
        topic=topics.TRIAGED.name,
        partition=0,
        offset=2,
        key=b"t-9",
        value=b"{}",
        error=RuntimeError("redis unavailable"),
    )
    dlq = [
        Seen(topics.RAW.dlq, 0, 0, 0, b"poison-1", encode(letter)),
        Seen(topics.TRIAGED.dlq, 0, 0, 0, b"t-9", encode(stray)),
        Seen(topics.RAW.name, 0, 0, 0, b"poison-1", b"\xff"),  # the poison itself is skipped
    ]
    verdict = judge({}, dlq, [], ["poison-1", "poison-2"])
    assert verdict.unexpected_dlq == ["t-9 (approval.triaged: redis unavailable)"]
    assert verdict.missing_poison == ["poison-2"]


def test_a_tool_call_without_a_published_outcome_fails() -> None:
    run = _pipeline()
    orphan = {"path": "/tools/send_reply", "body": {"action_id": "a-without-outcome"}}
    verdict = judge(run["accepted"], run["records"], [*run["sink"], orphan], [])
    assert verdict.missing_effects == [
        "tool a-without-outcome ran but its outcome was never published"
    ]


def test_a_replay_dropped_by_idempotency_key_is_not_a_second_effect() -> None:
    from tests.chaos.checks import Verdict, _check_effects, _Owed

    call = {"path": "/tools/send_reply", "body": {"action_id": "a1"}}
    verdict = Verdict()
    _check_effects([call, {**call, "replay": True}], _Owed(tool={"a1"}), verdict)
    assert verdict.double_effects == []
    assert verdict.replays["tool"] == 1

    verdict = Verdict()
    _check_effects([call, call], _Owed(tool={"a1"}), verdict)
    assert verdict.double_effects == ["tool a1 ran 2x"]
