"""tenacity as the only retry layer for Messages API calls (the SDK's own retries are off).

Retried: 5xx (529 overloaded included), timeouts and connection errors, with
exponential backoff and jitter; 429 waits for its ``retry-after`` when that is
within the longest single wait, otherwise it is not retried. Other 4xx are final.
Attempts and total time are both bounded; each retry is logged and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anthropic
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from libs.logs import log_fields
from services.agent import metrics
from services.agent.settings import AgentSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    total_s: float = 30.0
    initial_s: float = 0.5
    max_wait_s: float = 8.0

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> RetryPolicy:
        return cls(
            attempts=settings.agent_claude_retry_attempts,
            total_s=settings.agent_claude_retry_total_s,
            initial_s=settings.agent_claude_retry_initial_s,
            max_wait_s=settings.agent_claude_retry_max_wait_s,
        )


def retry_reason(exc: BaseException) -> str | None:
    """A metric label for a retryable failure; None when retrying cannot help."""
    if isinstance(exc, anthropic.APITimeoutError):
        return "timeout"
    if isinstance(exc, anthropic.APIConnectionError):
        return "connection"
    if isinstance(exc, anthropic.APIStatusError):
        if exc.status_code == 429:
            return "rate_limited"
        if exc.status_code == 529:
            return "overloaded"
        if exc.status_code >= 500:
            return "server_error"
    return None


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``retry-after``), if any."""
    if not isinstance(exc, anthropic.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers[name]) / scale)
        except (KeyError, ValueError):
            continue
    return None


class _Decision:
    """tenacity's retry predicate and wait, sharing the policy."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self._backoff = wait_exponential_jitter(
            initial=policy.initial_s, max=policy.max_wait_s, jitter=policy.initial_s
        )

    def should_retry(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if exc is None or retry_reason(exc) is None:
            return False
        if retry_reason(exc) == "rate_limited":
            wait = retry_after(exc)
            return wait is None or wait <= self.policy.max_wait_s
        return True

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc) if exc is not None else None
        return asked if asked is not None else self._backoff(state)

    def before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        reason = retry_reason(exc) if exc is not None else "unknown"
        metrics.LLM_RETRIES.labels(reason or "unknown").inc()
        logger.warning(
            "claude request retried",
            extra=log_fields(
                "llm_retry",
                reason=reason,
                attempt=state.attempt_number,
                wait_s=round(state.upcoming_sleep, 3),
                error=type(exc).__name__,
            ),
        )


async def with_retries(policy: RetryPolicy, call: Callable[[], Awaitable[T]]) -> T:
    """``call()`` under the policy; the last error is raised when retries are exhausted."""
    decision = _Decision(policy)
    async for attempt in AsyncRetrying(
        retry=decision.should_retry,
        wait=decision.wait,
        stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total_s),
        before_sleep=decision.before_sleep,
        reraise=True,
    ):
        with attempt:
            return await call()
    raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover
