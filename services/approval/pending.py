"""The pending store: items waiting for a human decision, in Redis.

``pending:{action_id}`` holds the :class:`PendingAction` JSON with the approval
window as TTL, and ``pending_expiry`` scores each id with its deadline for the
expiry sweep and for listing. Creation runs once per action id (``SET NX``
through :func:`libs.idempotency.run_once`), so a redelivered event neither
duplicates an item nor resurrects one already decided, and gets the stored item
back to republish. Taking an item for a decision is one atomic script around
``GETDEL``: exactly one decision wins, and it leaves a marker saying who decided
so a late second decision is told apart from an unknown id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from libs import redis_keys
from libs.errors import TransientError
from libs.idempotency import run_once
from schemas import PendingAction, utcnow

#: Idempotency stage of pending-item creation: ``done:pending:{action_id}``.
CREATE_STAGE = "pending"
#: Marker of a taken decision: ``done:decision:{action_id}``.
DECISION_STAGE = "decision"

DecisionKind = Literal["approved", "rejected"]

# KEYS: pending item, expiry set, decision marker. ARGV: action id, marker JSON, marker TTL.
_TAKE = """
local item = redis.call('GETDEL', KEYS[1])
if item then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('SET', KEYS[3], ARGV[2], 'EX', tonumber(ARGV[3]))
  return {1, item}
end
return {0, redis.call('GET', KEYS[3])}
"""


@dataclass(frozen=True)
class DecisionMark:
    """Who took an item, and for what; kept after the item is gone."""

    by: str
    kind: DecisionKind
    at: datetime

    def to_json(self) -> bytes:
        return orjson.dumps({"by": self.by, "kind": self.kind, "at": self.at.isoformat()})

    @classmethod
    def from_json(cls, raw: bytes) -> DecisionMark:
        data = orjson.loads(raw)
        return cls(by=data["by"], kind=data["kind"], at=datetime.fromisoformat(data["at"]))


@dataclass(frozen=True)
class Taken:
    """The result of a take: the item if this decision won, else the earlier decision if any."""

    item: PendingAction | None
    earlier: DecisionMark | None = None


class PendingStore:
    def __init__(self, redis: Redis, *, memory_s: int) -> None:
        self._redis = redis
        self._memory_s = memory_s
        self._take = redis.register_script(_TAKE)

    async def create(self, item: PendingAction) -> tuple[PendingAction, bool]:
        """Store ``item`` once per action id; returns the stored item and whether it is new."""
        ttl_s = max(1, int((item.expires_at - utcnow()).total_seconds()))
        key = str(item.action_id)

        async def effect() -> dict[str, object]:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(redis_keys.pending(key), item.to_json(), nx=True, ex=ttl_s)
                pipe.zadd(redis_keys.PENDING_EXPIRY, {key: item.expires_at.timestamp()})
                await pipe.execute()
            return item.model_dump(mode="json", by_alias=True)

        try:
            once = await run_once(self._redis, CREATE_STAGE, key, effect, keep_s=self._memory_s)
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return PendingAction.model_validate(once.result), not once.duplicate

    async def get(self, action_id: uuid.UUID) -> PendingAction | None:
        try:
            raw = await self._redis.get(redis_keys.pending(str(action_id)))
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return None if raw is None else PendingAction.from_json(raw)

    async def list(self, limit: int = 100) -> list[PendingAction]:
        """Items still awaiting a decision, the soonest deadline first."""
        try:
            ids = cast(
                list[bytes],
                await self._redis.zrangebyscore(
                    redis_keys.PENDING_EXPIRY, utcnow().timestamp(), "+inf", start=0, num=limit
                ),
            )
            if not ids:
                return []
            raws = await self._redis.mget([redis_keys.pending(i.decode()) for i in ids])
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        # An id whose item is gone was decided or expired between the two calls.
        return [PendingAction.from_json(raw) for raw in raws if raw is not None]

    async def take(self, action_id: uuid.UUID, mark: DecisionMark) -> Taken:
        """Remove the item for a decision (single use); only one caller ever gets it."""
        key = str(action_id)
        try:
            won, raw = await self._take(
                keys=[
                    redis_keys.pending(key),
                    redis_keys.PENDING_EXPIRY,
                    redis_keys.done(DECISION_STAGE, key),
                ],
                args=[key, mark.to_json(), self._memory_s],
            )
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        if won:
            return Taken(PendingAction.from_json(raw))
        return Taken(None, None if raw is None else DecisionMark.from_json(raw))

    async def restore(self, item: PendingAction) -> bool:
        """Put back an item whose decision could not be carried out; False once it expired."""
        ttl_s = int((item.expires_at - utcnow()).total_seconds())
        if ttl_s <= 0:
            return False
        key = str(item.action_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(redis_keys.pending(key), item.to_json(), ex=ttl_s)
                pipe.zadd(redis_keys.PENDING_EXPIRY, {key: item.expires_at.timestamp()})
                pipe.delete(redis_keys.done(DECISION_STAGE, key))
                await pipe.execute()
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return True
