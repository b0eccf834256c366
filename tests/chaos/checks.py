"""The verdicts of a chaos run, computed from what the topics and the sink hold.

Plain functions over plain records, so the rules themselves are unit-tested
(tests/unit/test_chaos_checks.py) and the run only has to collect the data.

Delivery is at-least-once with deterministic event ids, so a redelivered
input may put the *same* event on a topic twice; that is a duplicate record,
counted and reported. What must never happen is a second *distinct* event
for one ticket/action (two outcomes), a side effect twice, or a ticket lost.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from libs import topics
from schemas import BlockedTicket
from services.approval.worker import review_action_id


@dataclass(frozen=True)
class Seen:
    """One record read back from a topic."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes


@dataclass
class Verdict:
    accepted: int = 0
    settled: int = 0
    actions: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    #: records that repeat an event id already on the topic (redeliveries), per topic
    duplicate_records: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    double_outcome: list[str] = field(default_factory=list)
    double_effects: list[str] = field(default_factory=list)
    replays: Counter[str] = field(default_factory=Counter)
    missing_effects: list[str] = field(default_factory=list)
    order_violations: list[str] = field(default_factory=list)
    unexpected_dlq: list[str] = field(default_factory=list)
    missing_poison: list[str] = field(default_factory=list)
    effects: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.double_outcome
            or self.double_effects
            or self.missing_effects
            or self.order_violations
            or self.unexpected_dlq
            or self.missing_poison
        )


@dataclass
class _Ticket:
    raw: set[str] = field(default_factory=set)
    guarded: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    triaged: set[str] = field(default_factory=set)
    proposed: list[str] | None = None
    first_ts: dict[str, int] = field(default_factory=dict)
    partitions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    #: action_id -> distinct event ids, per topic
    outcomes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pending: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    outcome_order: list[str] = field(default_factory=list)
    executed: set[str] = field(default_factory=set)
    #: callbacks the notifier owes upstream: ``action_id:status`` per outcome
    callbacks: set[str] = field(default_factory=set)


_STEP = {
    topics.RAW.name: "raw",
    topics.GUARDED.name: "guarded",
    topics.BLOCKED.name: "blocked",
    topics.TRIAGED.name: "triaged",
}


def _tickets(records: Iterable[Seen], verdict: Verdict, skip: set[str]) -> dict[str, _Ticket]:
    tickets: dict[str, _Ticket] = defaultdict(_Ticket)
    seen_ids: dict[str, set[str]] = defaultdict(set)
    for r in sorted(records, key=lambda r: (r.topic, r.partition, r.offset)):
        if r.topic.endswith(".dlq") or _key(r) in skip:
            continue
        data: dict[str, Any] = orjson.loads(r.value)
        event_id = str(data["event_id"])
        if event_id in seen_ids[r.topic]:
            verdict.duplicate_records[r.topic] += 1
            continue
        seen_ids[r.topic].add(event_id)
        t = tickets[data["ticket_id"]]
        t.partitions[r.topic].add(r.partition)
        t.first_ts.setdefault(r.topic, r.timestamp_ms)
        step = _STEP.get(r.topic)
        if step is not None:
            getattr(t, step).add(event_id)
        if r.topic == topics.TRIAGED.name and t.proposed is None:
            t.proposed = [str(a["action_id"]) for a in data["triage"]["proposed_actions"]]
        elif r.topic == topics.BLOCKED.name and t.proposed is None:
            # its one action is the human-review item the approval stage parks
            t.proposed = [str(review_action_id(BlockedTicket.model_validate(data)))]
        elif r.topic == topics.EXECUTED.name:
            action = str(data["action_id"])
            t.outcomes[action].add(event_id)
            t.outcome_order.append(action)
            verdict.outcomes[data["status"]] += 1
            if data["status"] == "executed":
                t.executed.add(action)
            if data.get("callback_url"):
                t.callbacks.add(f"{action}:{data['status']}")
        elif r.topic == topics.PENDING.name:
            t.pending[str(data["action_id"])].add(event_id)
    return tickets


def _check_ticket(ticket_id: str, t: _Ticket, verdict: Verdict) -> None:
    if len(t.raw) != 1 or len(t.guarded | t.blocked) > 1 or len(t.triaged) > 1:
        verdict.double_outcome.append(f"{ticket_id}: several distinct events for one step")
    expected = t.proposed
    if expected is None:
        verdict.lost.append(f"{ticket_id}: never triaged nor blocked")
        return
    settled = True
    for action in expected:
        n_out, n_pend = len(t.outcomes.get(action, ())), len(t.pending.get(action, ()))
        verdict.actions += 1
        if n_out + n_pend == 0:
            settled = False
            verdict.lost.append(f"{ticket_id}/{action}: no outcome")
        elif n_out + n_pend > 1:
            verdict.double_outcome.append(
                f"{ticket_id}/{action}: {n_out} outcomes {n_pend} pending"
            )
    verdict.settled += settled
    for topic, parts in t.partitions.items():
        if len(parts) > 1:
            verdict.order_violations.append(f"{ticket_id}: on {len(parts)} partitions of {topic}")
    chain = (topics.RAW, topics.GUARDED, topics.TRIAGED, topics.EXECUTED)
    stamps = [t.first_ts[s.name] for s in chain if s.name in t.first_ts]
    if stamps != sorted(stamps):
        verdict.order_violations.append(f"{ticket_id}: stage timestamps out of order {stamps}")
    if t.proposed:
        rank = {a: i for i, a in enumerate(t.proposed)}
        order = [rank[a] for a in t.outcome_order if a in rank]
        if order != sorted(order):
            verdict.order_violations.append(f"{ticket_id}: outcomes not in proposed order")


@dataclass
class _Owed:
    """Side effects the accepted tickets call for: exactly one of each must reach the sink."""

    tool: set[str] = field(default_factory=set)
    webhook: set[str] = field(default_factory=set)
    callback: set[str] = field(default_factory=set)


def _check_effects(sink: Iterable[Mapping[str, Any]], owed: _Owed, verdict: Verdict) -> None:
    """Tool calls once per action; approver webhooks once per item; callbacks once per outcome."""
    calls: Counter[tuple[str, str]] = Counter()
    for entry in sink:
        path, body = str(entry["path"]), entry["body"]
        if not isinstance(body, dict):
            continue
        if path.startswith("/tools/"):
            kind, ident = "tool", str(body.get("action_id"))
        elif path.startswith("/webhook"):
            kind, ident = "webhook", str(body.get("action_id"))
        elif path.startswith("/callbacks/"):
            kind, ident = "callback", f"{body.get('action_id')}:{body.get('status')}"
        else:
            continue
        if entry.get("replay"):
            # delivered again after a crash, dropped by the receiver's Idempotency-Key
            verdict.replays[kind] += 1
            continue
        verdict.effects[kind] += 1
        calls[kind, ident] += 1
    verdict.double_effects.extend(f"{k} {i} ran {n}x" for (k, i), n in calls.items() if n > 1)
    for kind, wanted in (
        ("tool", owed.tool),
        ("webhook", owed.webhook),
        ("callback", owed.callback),
    ):
        done = {i for k, i in calls if k == kind}
        verdict.missing_effects.extend(f"{kind} for {i} never sent" for i in sorted(wanted - done))
    # A tool call whose outcome never reached actions.executed: the effect ran, nobody was told.
    verdict.missing_effects.extend(
        f"tool {i} ran but its outcome was never published"
        for i in sorted({i for k, i in calls if k == "tool"} - owed.tool)
    )


def _why(record: Seen) -> str:
    """A dead letter's key, stage and error, for the report."""
    data = orjson.loads(record.value)
    return f"{_key(record)} ({data['stage']}: {str(data['error'])[:160]})"


def _key(record: Seen) -> str:
    return (record.key or b"").decode(errors="replace")


def judge(
    accepted: Mapping[str, str],
    records: Iterable[Seen],
    sink: Iterable[Mapping[str, Any]],
    poison_keys: Iterable[str],
) -> Verdict:
    """Every accepted ticket (``ticket_id -> message_id``) against the topics and the sink."""
    verdict = Verdict(accepted=len(accepted))
    records = list(records)
    poison = set(poison_keys)
    tickets = _tickets(records, verdict, poison)
    owed = _Owed()
    for ticket_id in accepted:
        ticket = tickets.get(ticket_id)
        if ticket is None:
            verdict.lost.append(f"{ticket_id}: not on {topics.RAW.name}")
            continue
        _check_ticket(ticket_id, ticket, verdict)
        owed.tool |= ticket.executed
        owed.webhook |= set(ticket.pending)
        owed.callback |= ticket.callbacks
    _check_effects(sink, owed, verdict)
    dlq = {_key(r): r for r in records if r.topic.endswith(".dlq")}
    dlq_keys = set(dlq)
    verdict.unexpected_dlq.extend(_why(dlq[k]) for k in sorted(dlq_keys - poison))
    verdict.missing_poison.extend(sorted(poison - dlq_keys))
    return verdict
