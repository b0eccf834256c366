"""Follow every topic and tell what became of each ticket (``make run``'s live view)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer

from libs import topics


@dataclass
class TicketView:
    ticket_id: str
    message_id: str = ""
    category: str = ""
    expected_actions: int | None = None
    #: action_id -> (tool, status); "pending" until an outcome arrives
    actions: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        done = (f"{tool}:{status}" for tool, status in self.actions.values())
        return ", ".join(done) or "in flight"

    @property
    def settled(self) -> bool:
        """Every action has reached an outcome or waits for a human."""
        return self.expected_actions is not None and len(self.actions) >= self.expected_actions


@dataclass
class PipelineView:
    counts: Counter[str] = field(default_factory=Counter)
    tickets: dict[str, TicketView] = field(default_factory=dict)

    def apply(self, topic: str, value: bytes) -> None:
        self.counts[topic] += 1
        if topic.endswith(".dlq"):
            return
        data = orjson.loads(value)
        view = self.tickets.setdefault(data["ticket_id"], TicketView(data["ticket_id"]))
        view.message_id = data.get("message_id", view.message_id)
        if topic == topics.TRIAGED.name:
            view.category = data["triage"]["category"]
            view.expected_actions = len(data["triage"]["proposed_actions"])
        elif topic == topics.BLOCKED.name:
            view.category = "(blocked by guard)"
            view.expected_actions = 1
        elif topic == topics.PENDING.name:
            view.actions.setdefault(data["action_id"], (data["tool"], "pending"))
        elif topic == topics.EXECUTED.name:
            view.actions[data["action_id"]] = (data["tool"], data["status"])


async def follow(bootstrap: str, view: PipelineView, stop: asyncio.Event) -> None:
    names = list(topics.all_topic_names())
    consumer = AIOKafkaConsumer(
        *names,
        bootstrap_servers=bootstrap,
        group_id=f"devstack-watch-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=300)
            for tp, records in batch.items():
                for record in records:
                    if record.value is not None:
                        view.apply(tp.topic, record.value)
    finally:
        await consumer.stop()
