"""Dedup and rate limiting in one Redis round trip per request (or per batch).

A Lua script per ticket, atomically: if ``dedup:{tenant}:{message_id}`` exists
the ticket is a duplicate (value ``done``) or in flight (the claim value);
otherwise, if the player's minute or burst window is full, it is limited;
otherwise the script claims the dedup key with a short TTL (``SET NX``) and
counts the ticket in both windows. Duplicates are therefore answered before
rate limiting and never use up a player's quota. After the broker has
acknowledged the write the claim becomes ``done`` with a long TTL; after a
failed write it is deleted so a retry can go through.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from libs import redis_keys
from services.ingest.ratelimit import RateLimits, Window, retry_after

CLAIM = b"inflight"
DONE = b"done"

_ADMIT = """
local seen = redis.call('GET', KEYS[1])
if seen then
  if seen == ARGV[1] then return {'in_flight', 0, 0} end
  return {'duplicate', 0, 0}
end
local minute_full = tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3])
local burst_full = tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[5])
if minute_full or burst_full then
  return {'limited', minute_full and 1 or 0, burst_full and 1 or 0}
end
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[6]) end
return {'admitted', 0, 0}
"""


class Verdict(enum.Enum):
    ADMITTED = "admitted"
    DUPLICATE = "duplicate"
    IN_FLIGHT = "in_flight"
    LIMITED = "limited"


@dataclass(frozen=True)
class Claim:
    """What admission needs to know about one ticket (the player only as its hash)."""

    tenant: str
    message_id: str
    player_ref: str

    @property
    def dedup_key(self) -> str:
        return redis_keys.dedup(self.tenant, self.message_id)


@dataclass(frozen=True)
class Admission:
    verdict: Verdict
    #: For ``LIMITED``: seconds until the player's full windows have freed.
    retry_after_s: int = 0


def _counter_ttl(window: Window) -> int:
    # Twice the size: the key outlives its window even with some clock skew, then goes.
    return 2 * window.size_s


class AdmissionStore:
    """Redis side of dedup and rate limits; every call is a single round trip."""

    def __init__(
        self, redis: Redis, limits: RateLimits, *, inflight_ttl_s: int, done_ttl_s: int
    ) -> None:
        self._redis = redis
        self._limits = limits
        self._inflight_ttl_s = inflight_ttl_s
        self._done_ttl_s = done_ttl_s
        self._sha = hashlib.sha1(_ADMIT.encode(), usedforsecurity=False).hexdigest()

    async def admit(self, claims: Sequence[Claim], now: float) -> list[Admission]:
        """Claim each ticket unless it is known or its player is over a limit."""
        minute, burst = self._limits.windows(now)
        try:
            replies = await self._run_script(claims, minute, burst)
        except NoScriptError:
            # First use, or Redis lost its script cache (restart, SCRIPT FLUSH).
            await self._redis.script_load(_ADMIT)
            replies = await self._run_script(claims, minute, burst)
        return [self._admission(reply, now, minute, burst) for reply in replies]

    async def _run_script(
        self, claims: Sequence[Claim], minute: Window, burst: Window
    ) -> list[Any]:
        # EVALSHA in a plain pipeline: redis-py's Script objects would add a
        # SCRIPT EXISTS round trip to every pipeline.
        async with self._redis.pipeline(transaction=False) as pipe:
            for claim in claims:
                pipe.evalsha(
                    self._sha,
                    3,
                    claim.dedup_key,
                    redis_keys.ratelimit(claim.tenant, claim.player_ref, minute.number),
                    redis_keys.ratelimit_burst(claim.tenant, claim.player_ref, burst.number),
                    CLAIM,
                    self._inflight_ttl_s,
                    minute.limit,
                    _counter_ttl(minute),
                    burst.limit,
                    _counter_ttl(burst),
                )
            return list(await pipe.execute())

    @staticmethod
    def _admission(reply: Sequence[Any], now: float, minute: Window, burst: Window) -> Admission:
        status, minute_full, burst_full = reply
        verdict = Verdict(status.decode())
        if verdict is not Verdict.LIMITED:
            return Admission(verdict)
        full = tuple(w for w, f in ((minute, minute_full), (burst, burst_full)) if f)
        return Admission(verdict, retry_after(now, full))

    async def mark_done(self, claims: Sequence[Claim]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for claim in claims:
                pipe.set(claim.dedup_key, DONE, ex=self._done_ttl_s)
            await pipe.execute()

    async def release(self, claims: Sequence[Claim]) -> None:
        if claims:
            await self._redis.delete(*(c.dedup_key for c in claims))
