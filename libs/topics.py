"""The topic registry: names, partition counts and value models live here only."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import (
    ActionOutcome,
    BlockedTicket,
    DeadLetter,
    Envelope,
    GuardedTicket,
    PendingAction,
    RawTicket,
    TriagedTicket,
)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    model: type[Envelope]

    @property
    def dlq(self) -> str:
        return dlq_name(self.name)


def dlq_name(topic: str) -> str:
    return f"{topic}.dlq"


DLQ_PARTITIONS = 1
DLQ_MODEL = DeadLetter

RAW = TopicSpec("tickets.raw.v1", 12, RawTicket)
GUARDED = TopicSpec("tickets.guarded.v1", 12, GuardedTicket)
BLOCKED = TopicSpec("tickets.blocked.v1", 3, BlockedTicket)
TRIAGED = TopicSpec("tickets.triaged.v1", 12, TriagedTicket)
PENDING = TopicSpec("actions.pending.v1", 6, PendingAction)
EXECUTED = TopicSpec("actions.executed.v1", 6, ActionOutcome)

ALL: tuple[TopicSpec, ...] = (RAW, GUARDED, BLOCKED, TRIAGED, PENDING, EXECUTED)
BY_NAME: dict[str, TopicSpec] = {t.name: t for t in ALL}


def all_topic_names() -> dict[str, int]:
    """Every topic with its partition count, DLQs included."""
    names = {t.name: t.partitions for t in ALL}
    names.update({t.dlq: DLQ_PARTITIONS for t in ALL})
    return names
