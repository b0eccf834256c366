"""Budgets in Redis shared by every agent replica (keys under ``llm_rate:``).

:class:`RateBudget` caps Claude requests and tokens per minute (fixed one-minute
windows; one Lua script checks and reserves both atomically). A request reserves
an estimate of its tokens; the real count is settled after the answer.
Over budget, the caller waits for the next window when it starts within
``wait_s`` and otherwise lets the local model triage (the choice: a short wait
smooths bursts, a long one would stall the whole stage batch behind one ticket).

:class:`CostLedger` adds up each tenant's spend per UTC day (micro-dollars,
``INCRBY``) for the soft and hard daily limits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from redis.asyncio import Redis

from libs import redis_keys
from schemas import utcnow

_WINDOW_S = 60
_MICRO = 1_000_000
_DAY_TTL_S = 2 * 24 * 3600

# KEYS: requests, tokens; ARGV: max requests, max tokens, tokens to reserve, ttl.
_RESERVE = """
local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
if requests + 1 > tonumber(ARGV[1]) or tokens + tonumber(ARGV[3]) > tonumber(ARGV[2]) then
  return 0
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('INCRBY', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""


@dataclass(frozen=True)
class Reservation:
    window: int
    tokens: int


class RateBudget:
    def __init__(
        self,
        redis: Redis,
        *,
        requests_per_minute: int,
        tokens_per_minute: int,
        wait_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.requests_per_minute = requests_per_minute
        self.tokens_per_minute = tokens_per_minute
        self.wait_s = wait_s
        self._clock = clock
        self._script = redis.register_script(_RESERVE)

    async def _try(self, window: int, tokens: int) -> bool:
        keys = [redis_keys.llm_rate("requests", window), redis_keys.llm_rate("tokens", window)]
        args = [self.requests_per_minute, self.tokens_per_minute, tokens, _WINDOW_S * 2]
        return bool(await self._script(keys=keys, args=args))

    async def reserve(self, tokens: int) -> Reservation | None:
        """Reserve one request and ``tokens``; None when over budget (after a short wait)."""
        now = self._clock()
        window = int(now // _WINDOW_S)
        if await self._try(window, tokens):
            return Reservation(window, tokens)
        until_next = (window + 1) * _WINDOW_S - now
        if until_next > self.wait_s:
            return None
        await asyncio.sleep(until_next)
        if await self._try(window + 1, tokens):
            return Reservation(window + 1, tokens)
        return None

    async def settle(self, reservation: Reservation, used: int) -> None:
        """Replace the reserved estimate by the tokens actually used."""
        delta = used - reservation.tokens
        if delta:
            await self.redis.incrby(redis_keys.llm_rate("tokens", reservation.window), delta)


Tier = Literal["normal", "soft", "hard"]


def day_of(moment: datetime) -> str:
    return moment.strftime("%Y%m%d")


class CostLedger:
    def __init__(
        self,
        redis: Redis,
        *,
        soft_usd: float,
        hard_usd: float,
        today: Callable[[], datetime] = utcnow,
    ) -> None:
        self.redis = redis
        self.soft_usd = soft_usd
        self.hard_usd = hard_usd
        self._today = today

    def _key(self, tenant: str) -> str:
        return redis_keys.llm_cost(tenant, day_of(self._today()))

    async def spent(self, tenant: str) -> float:
        value = await self.redis.get(self._key(tenant))
        return int(value or 0) / _MICRO

    async def tier(self, tenant: str) -> Tier:
        """normal, soft (past the soft limit: cheaper model) or hard (local model only)."""
        spent = await self.spent(tenant)
        if spent >= self.hard_usd:
            return "hard"
        if spent >= self.soft_usd:
            return "soft"
        return "normal"

    async def add(self, tenant: str, usd: float) -> None:
        key = self._key(tenant)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(key, round(usd * _MICRO))
            pipe.expire(key, _DAY_TTL_S)
            await pipe.execute()
