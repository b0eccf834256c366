"""The asyncio Redis client every service uses."""

from __future__ import annotations

from redis.asyncio import Redis

from libs.settings import RedisSettings


def redis_client(settings: RedisSettings) -> Redis:
    return Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
        decode_responses=False,
    )
