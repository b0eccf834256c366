"""Run a side effect at most once per event id, remembering its result.

``SET done:{stage}:{event_id} NX`` claims the effect with a short lease; the
result replaces the lease with a long TTL. A redelivery gets the stored result
back instead of acting again, so a stage can still publish the outcome it lost
to a crash. A crash mid-effect leaves the lease: a redelivery waits for the
holder's result or for the lease to expire (then takes over), so the event is
delayed, never dead-lettered. Only a crash after the effect but before its
result is stored can repeat an effect; tools get ``Idempotency-Key`` for that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential_jitter,
)

from libs import metrics, redis_keys
from libs.errors import EffectInProgress, TransientError

_LEASE = b"\x00lease"
_POLL_S = 0.25


@dataclass(frozen=True)
class Once:
    result: dict[str, Any]
    duplicate: bool


async def run_once(
    redis: Redis,
    stage: str,
    event_id: str,
    effect: Callable[[], Awaitable[dict[str, Any]]],
    *,
    lease_s: int = 60,
    keep_s: int = 7 * 24 * 3600,
) -> Once:
    key = redis_keys.done(stage, event_id)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lease_s + 1
    while True:
        try:
            if await redis.set(key, _LEASE, nx=True, ex=lease_s):
                break
            stored = await redis.get(key)
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc
        if stored is not None and stored != _LEASE:
            metrics.DUPLICATES.labels(stage).inc()
            return Once(orjson.loads(stored), duplicate=True)
        if loop.time() >= deadline:
            raise EffectInProgress(f"{key} is being executed elsewhere")
        # The holder finishes (we return its result) or died and its lease expires (we take over).
        await asyncio.sleep(_POLL_S)
    try:
        result = await effect()
    except BaseException:
        await redis.delete(key)
        raise
    # The effect happened: keep trying to record it for as long as the lease protects it.
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(RedisError),
            stop=stop_after_delay(lease_s / 2),
            wait=wait_exponential_jitter(initial=0.05, max=1.0),
            reraise=True,
        ):
            with attempt:
                await redis.set(key, orjson.dumps(result), ex=keep_s)
    except RedisError as exc:
        raise TransientError(f"redis unavailable after effect: {exc}") from exc
    return Once(result, duplicate=False)
