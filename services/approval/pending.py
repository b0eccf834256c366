"""The pending store: items waiting for a human decision, in Redis.

``pending:{action_id}`` holds the :class:`PendingAction` JSON until a while
after its deadline (so the expiry sweep can still publish it), ``pending_expiry``
scores each id with its final deadline for the sweep and for listing, and
``pending_due`` with its next reminder or escalation. Creation runs once per action id (``SET NX``
through :func:`libs.idempotency.run_once`), so a redelivered event neither
duplicates an item nor resurrects one already decided, and gets the stored item
back to republish. Taking an item for a decision is one atomic script around
``GETDEL``: exactly one decision wins, and it leaves a marker saying who decided
so a late second decision is told apart from an unknown id.
"""

from __future__ import annotations

import builtins
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from libs import redis_keys, tracing
from libs.errors import TransientError
from libs.idempotency import run_once
from schemas import PendingAction, utcnow

logger = logging.getLogger(__name__)

#: Idempotency stage of pending-item creation: ``done:pending:{action_id}``.
CREATE_STAGE = "pending"
#: Marker of a taken decision: ``done:decision:{action_id}``.
DECISION_STAGE = "decision"

DecisionKind = Literal["approved", "rejected", "expired"]

#: How long an item outlives its deadline in Redis, for the sweep to publish its expiry.
KEEP_AFTER_EXPIRY_S = 3600

# KEYS: pending item, expiry set, decision marker. ARGV: action id, marker JSON, marker TTL,
# now (unix), expiring ("1": the sweep, takes only items past their deadline; else a
# decision, which takes only items before it). Deciding and expiring are the same take,
# so of an approval and the sweep racing for an item exactly one wins.
_TAKE = """
local deadline = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or '-1')
local past = deadline >= 0 and deadline <= tonumber(ARGV[4])
if (ARGV[5] == '1') ~= past then
  if past then return {2, false} end
  return {0, false}
end
local item = redis.call('GETDEL', KEYS[1])
if item then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('SET', KEYS[3], ARGV[2], 'EX', tonumber(ARGV[3]))
  return {1, item}
end
return {0, redis.call('GET', KEYS[3])}
"""

# KEYS: due set, pending item. ARGV: action id, now. Removes a due step (only one sweeper
# gets it) and returns the item, or nothing when the step is not due or the item is gone.
_CLAIM_DUE = """
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('GET', KEYS[2])
"""

# KEYS: pending item, due set. ARGV: item JSON, action id, next due ('' = none).
# Never resurrects an item decided meanwhile (SET XX).
_ADVANCE = """
if redis.call('SET', KEYS[1], ARGV[1], 'XX', 'KEEPTTL') and ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[2])
end
return 1
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
    #: The item is still stored but its deadline passed (the sweep will publish it).
    expired: bool = False


def _ttl_s(item: PendingAction) -> int:
    return max(1, int((item.expires_at - utcnow()).total_seconds()) + KEEP_AFTER_EXPIRY_S)


class PendingStore:
    def __init__(self, redis: Redis, *, memory_s: int) -> None:
        self._redis = redis
        self._memory_s = memory_s
        self._take = redis.register_script(_TAKE)
        self._claim_due = redis.register_script(_CLAIM_DUE)
        self._advance = redis.register_script(_ADVANCE)

    async def create(
        self, item: PendingAction, due: datetime | None = None
    ) -> tuple[PendingAction, bool]:
        """Store ``item`` once per action id; returns the stored item and whether it is new.

        ``due`` is when its first reminder or escalation is due, if any.
        """
        key = str(item.action_id)

        async def effect() -> dict[str, object]:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(redis_keys.pending(key), item.to_json(), nx=True, ex=_ttl_s(item))
                # the stage span is current here: a later human decision joins its trace
                trace = {k: v.decode("latin-1") for k, v in tracing.inject()}
                pipe.set(redis_keys.pending_trace(key), orjson.dumps(trace), ex=_ttl_s(item))
                pipe.zadd(redis_keys.PENDING_EXPIRY, {key: item.expires_at.timestamp()})
                if due is not None:
                    pipe.zadd(redis_keys.PENDING_DUE, {key: due.timestamp()})
                await pipe.execute()
            return item.model_dump(mode="json", by_alias=True)

        try:
            once = await run_once(self._redis, CREATE_STAGE, key, effect, keep_s=self._memory_s)
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return PendingAction.model_validate(once.result), not once.duplicate

    async def trace_headers(self, action_id: uuid.UUID) -> list[tuple[str, bytes]]:
        """The saved trace context of an item ([] when none, e.g. Redis lost it)."""
        try:
            raw = await self._redis.get(redis_keys.pending_trace(str(action_id)))
        except RedisError:
            logger.exception("trace context unavailable", extra={"event": "pending_trace_error"})
            return []
        if raw is None:
            return []
        return [(k, str(v).encode("latin-1")) for k, v in orjson.loads(raw).items()]

    async def get(self, action_id: uuid.UUID) -> PendingAction | None:
        """The item while it can be decided: None once decided or past its deadline."""
        try:
            raw = await self._redis.get(redis_keys.pending(str(action_id)))
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        item = None if raw is None else PendingAction.from_json(raw)
        return item if item is not None and item.expires_at > utcnow() else None

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

    async def take(
        self, action_id: uuid.UUID, mark: DecisionMark, *, expiring: bool = False
    ) -> Taken:
        """Remove the item for a decision (single use); only one caller ever gets it.

        A decision takes only an item before its deadline; the sweep (``expiring``)
        only one past it.
        """
        key = str(action_id)
        try:
            won, raw = await self._take(
                keys=[
                    redis_keys.pending(key),
                    redis_keys.PENDING_EXPIRY,
                    redis_keys.done(DECISION_STAGE, key),
                ],
                args=[key, mark.to_json(), self._memory_s, utcnow().timestamp(), int(expiring)],
            )
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        if won == 1:
            return Taken(PendingAction.from_json(raw))
        if won == 2:
            return Taken(None, expired=True)
        return Taken(None, None if raw is None else DecisionMark.from_json(raw))

    async def past_deadline(self, limit: int) -> builtins.list[uuid.UUID]:
        """Ids whose final deadline passed (candidates for the expiry sweep)."""
        return await self._ids(redis_keys.PENDING_EXPIRY, limit)

    async def due(self, limit: int) -> builtins.list[uuid.UUID]:
        """Ids whose next reminder or escalation is due."""
        return await self._ids(redis_keys.PENDING_DUE, limit)

    async def _ids(self, key: str, limit: int) -> builtins.list[uuid.UUID]:
        try:
            raw = cast(
                list[bytes],
                await self._redis.zrangebyscore(key, "-inf", utcnow().timestamp(), 0, limit),
            )
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return [uuid.UUID(i.decode()) for i in raw]

    async def claim_due(self, action_id: uuid.UUID) -> PendingAction | None:
        """Take the item's due step (one sweeper only); None if not due or the item is gone."""
        key = str(action_id)
        try:
            raw = await self._claim_due(
                keys=[redis_keys.PENDING_DUE, redis_keys.pending(key)],
                args=[key, utcnow().timestamp()],
            )
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return None if raw is None else PendingAction.from_json(raw)

    async def advance(self, item: PendingAction, due: datetime | None) -> None:
        """Store the item's new tier state and its next due step, unless it was decided."""
        key = str(item.action_id)
        try:
            await self._advance(
                keys=[redis_keys.pending(key), redis_keys.PENDING_DUE],
                args=[item.to_json(), key, "" if due is None else due.timestamp()],
            )
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc

    async def reschedule(self, action_id: uuid.UUID, due: datetime) -> None:
        """Put a claimed step back (its notice could not be published)."""
        try:
            await self._redis.zadd(redis_keys.PENDING_DUE, {str(action_id): due.timestamp()})
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc

    async def restore(self, item: PendingAction) -> bool:
        """Put back an item whose decision or expiry could not be carried out.

        Returns whether it can still be decided: an item past its deadline goes back
        too, for the sweep to publish its expiry rather than lose it.
        """
        key = str(item.action_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(redis_keys.pending(key), item.to_json(), ex=_ttl_s(item))
                pipe.zadd(redis_keys.PENDING_EXPIRY, {key: item.expires_at.timestamp()})
                pipe.delete(redis_keys.done(DECISION_STAGE, key))
                await pipe.execute()
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        return item.expires_at > utcnow()
