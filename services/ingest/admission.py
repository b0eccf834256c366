"""Dedup and rate limiting in one Redis round trip per batch of tickets.

One Lua script for the whole batch, atomically, ticket after ticket: if
``dedup:{tenant}:{message_id}`` exists the ticket is a duplicate (value
``done``) or in flight (the claim value); otherwise, if the player's minute or
burst window is full, it is limited; otherwise the script claims the dedup key
with a short TTL (``SET NX``) and counts the ticket in both windows.
Duplicates are therefore answered before rate limiting and never use up a
player's quota. After the broker has acknowledged the write the claims become
``done`` with a long TTL (one more script call for the batch); after a failed
write they are deleted so a retry can go through.
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

# KEYS: (dedup, minute counter, burst counter) per ticket, in order; ARGV: claim value,
# claim TTL, minute limit, minute counter TTL, burst limit, burst counter TTL.
# Replies one letter per ticket (see _LETTERS): a single string is far cheaper for
# the client to parse than an array of three values per ticket.
_ADMIT = """
local out = {}
for i = 1, #KEYS, 3 do
  local seen = redis.call('GET', KEYS[i])
  if seen then
    out[#out + 1] = (seen == ARGV[1]) and 'i' or 'd'
  else
    local minute_full = tonumber(redis.call('GET', KEYS[i + 1]) or '0') >= tonumber(ARGV[3])
    local burst_full = tonumber(redis.call('GET', KEYS[i + 2]) or '0') >= tonumber(ARGV[5])
    if minute_full and burst_full then
      out[#out + 1] = 'x'
    elseif minute_full then
      out[#out + 1] = 'm'
    elseif burst_full then
      out[#out + 1] = 'b'
    else
      redis.call('SET', KEYS[i], ARGV[1], 'NX', 'EX', ARGV[2])
      if redis.call('INCR', KEYS[i + 1]) == 1 then redis.call('EXPIRE', KEYS[i + 1], ARGV[4]) end
      if redis.call('INCR', KEYS[i + 2]) == 1 then redis.call('EXPIRE', KEYS[i + 2], ARGV[6]) end
      out[#out + 1] = 'a'
    end
  end
end
return table.concat(out)
"""

# KEYS: the dedup keys of written tickets; ARGV: the done value and its TTL.
_MARK_DONE = """
for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'EX', ARGV[2]) end
return #KEYS
"""


class _Script:
    """A Lua script run by its digest (EVALSHA), loaded on first use or after a flush."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    async def run(self, redis: Redis, keys: Sequence[str], args: Sequence[Any]) -> Any:
        try:
            return await redis.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            # First use, or Redis lost its script cache (restart, SCRIPT FLUSH).
            await redis.script_load(self.source)
            return await redis.evalsha(self.sha, len(keys), *keys, *args)


_ADMIT_SCRIPT = _Script(_ADMIT)
_MARK_DONE_SCRIPT = _Script(_MARK_DONE)


class Verdict(enum.Enum):
    ADMITTED = "admitted"
    DUPLICATE = "duplicate"
    IN_FLIGHT = "in_flight"
    LIMITED = "limited"


#: The admission script's letters: (verdict, minute window full, burst window full).
_LETTERS: dict[str, tuple[Verdict, bool, bool]] = {
    "a": (Verdict.ADMITTED, False, False),
    "d": (Verdict.DUPLICATE, False, False),
    "i": (Verdict.IN_FLIGHT, False, False),
    "m": (Verdict.LIMITED, True, False),
    "b": (Verdict.LIMITED, False, True),
    "x": (Verdict.LIMITED, True, True),
}


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

    async def admit(self, claims: Sequence[Claim], now: float) -> list[Admission]:
        """Claim each ticket unless it is known or its player is over a limit."""
        if not claims:
            return []
        minute, burst = self._limits.windows(now)
        keys: list[str] = []
        for claim in claims:
            keys += (
                claim.dedup_key,
                redis_keys.ratelimit(claim.tenant, claim.player_ref, minute.number),
                redis_keys.ratelimit_burst(claim.tenant, claim.player_ref, burst.number),
            )
        args = (
            CLAIM,
            self._inflight_ttl_s,
            minute.limit,
            _counter_ttl(minute),
            burst.limit,
            _counter_ttl(burst),
        )
        letters = await _ADMIT_SCRIPT.run(self._redis, keys, args)
        return [self._admission(chr(letter), now, minute, burst) for letter in letters]

    @staticmethod
    def _admission(letter: str, now: float, minute: Window, burst: Window) -> Admission:
        verdict, minute_full, burst_full = _LETTERS[letter]
        if verdict is not Verdict.LIMITED:
            return Admission(verdict)
        full = tuple(w for w, f in ((minute, minute_full), (burst, burst_full)) if f)
        return Admission(verdict, retry_after(now, full))

    async def mark_done(self, claims: Sequence[Claim]) -> None:
        if claims:
            keys = [c.dedup_key for c in claims]
            await _MARK_DONE_SCRIPT.run(self._redis, keys, (DONE, self._done_ttl_s))

    async def release(self, claims: Sequence[Claim]) -> None:
        if claims:
            await self._redis.delete(*(c.dedup_key for c in claims))
