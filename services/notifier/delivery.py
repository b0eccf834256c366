"""Deliveries that happen at most once per (event, channel), with their metric.

Every channel of an event is attempted even when another fails, so one broken
receiver does not starve the others. Failures are then raised as one error the
stage understands: transient if any failure is worth retrying (channels that
already succeeded are skipped on the retry by their idempotency marker), else
permanent, so the event ends on the DLQ rather than being dropped.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from prometheus_client import Counter
from redis.asyncio import Redis

from libs.errors import PermanentError, TransientError
from libs.idempotency import Once, run_once
from libs.logs import log_fields

logger = logging.getLogger(__name__)

DELIVERIES = Counter(
    "triage_notifier_deliveries",
    "Notifier deliveries by channel and outcome",
    ["channel", "outcome"],
)

Send = Callable[[], Awaitable[dict[str, Any]]]


def stage_for(channel: str) -> str:
    """The idempotency stage of a channel: its marker is ``done:notifier:<channel>:<event>``."""
    return f"notifier:{channel}"


async def deliver_once(redis: Redis, channel: str, event_id: uuid.UUID, send: Send) -> Once:
    try:
        once = await run_once(redis, stage_for(channel), str(event_id), send)
    except TransientError:
        DELIVERIES.labels(channel, "transient_error").inc()
        raise
    except Exception:
        DELIVERIES.labels(channel, "permanent_error").inc()
        raise
    DELIVERIES.labels(channel, "duplicate" if once.duplicate else "delivered").inc()
    return once


async def deliver_all(
    redis: Redis, event_id: uuid.UUID, ticket_id: str, sends: Mapping[str, Send]
) -> dict[str, Once]:
    """Run every channel's delivery; raise one stage-level error if any failed."""
    names = list(sends)
    results = await asyncio.gather(
        *(deliver_once(redis, name, event_id, sends[name]) for name in names),
        return_exceptions=True,
    )
    done: dict[str, Once] = {}
    failures: dict[str, Exception] = {}
    for name, result in zip(names, results, strict=True):
        if isinstance(result, Once):
            done[name] = result
        elif isinstance(result, Exception):
            failures[name] = result
            logger.warning(
                "delivery failed",
                extra=log_fields(
                    "delivery_failed",
                    channel=name,
                    ticket_id=ticket_id,
                    event_id=str(event_id),
                    error_type=type(result).__name__,
                ),
            )
        else:  # cancellation and other BaseExceptions are not delivery failures
            raise result
    if failures:
        raise delivery_error(failures)
    return done


def delivery_error(failures: Mapping[str, Exception]) -> Exception:
    """Transient if any channel may still succeed on a retry, else permanent."""
    summary = "; ".join(f"{name}: {type(exc).__name__}: {exc}" for name, exc in failures.items())
    first = next(iter(failures.values()))
    error: Exception
    if any(isinstance(exc, TransientError) for exc in failures.values()):
        error = TransientError(summary)
    else:
        error = PermanentError(summary)
    error.__cause__ = first
    return error
