"""What approval-api's routes share once the lifespan has started: clients, store, decisions."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from services.approval.decisions import Decisions
from services.approval.links import UsedLinks
from services.approval.pending import PendingStore


@dataclass(frozen=True)
class Runtime:
    redis: Redis
    producer: AIOKafkaProducer
    store: PendingStore
    decisions: Decisions
    used_links: UsedLinks
