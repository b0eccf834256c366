"""Run a side effect at most once per event id, remembering its result.

``SET done:{stage}:{event_id} NX`` claims the effect with a short lease; the
result replaces the lease with a long TTL. A redelivery gets the stored result
back instead of acting again, so a stage can still publish the outcome it lost
to a crash. A crash mid-effect leaves the lease, which expires; until then a
redelivery raises :class:`EffectInProgress` and is retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from libs import metrics, redis_keys
from libs.errors import EffectInProgress, TransientError

_LEASE = b"\x00lease"


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
    try:
        claimed = await redis.set(key, _LEASE, nx=True, ex=lease_s)
        if not claimed:
            stored = await redis.get(key)
            if stored is None:  # expired between the two calls
                raise EffectInProgress(f"{key} changed hands, retry")
            if stored == _LEASE:
                raise EffectInProgress(f"{key} is being executed elsewhere")
            metrics.DUPLICATES.labels(stage).inc()
            return Once(orjson.loads(stored), duplicate=True)
    except RedisError as exc:
        raise TransientError(f"redis unavailable: {exc}") from exc
    try:
        result = await effect()
    except BaseException:
        await redis.delete(key)
        raise
    try:
        await redis.set(key, orjson.dumps(result), ex=keep_s)
    except RedisError as exc:
        raise TransientError(f"redis unavailable after effect: {exc}") from exc
    return Once(result, duplicate=False)
