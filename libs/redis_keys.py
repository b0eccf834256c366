"""Every Redis key the services use; prefixes are exclusive to their owner."""

from __future__ import annotations

PENDING_EXPIRY = "pending_expiry"


def dedup(tenant: str, message_id: str) -> str:
    return f"dedup:{tenant}:{message_id}"


def ratelimit(tenant: str, user: str, window: int) -> str:
    return f"ratelimit:{tenant}:{user}:{window}"


def ratelimit_burst(tenant: str, user: str, window: int) -> str:
    return f"ratelimit_burst:{tenant}:{user}:{window}"


def llm_rate(kind: str, window: int) -> str:
    return f"llm_rate:{kind}:{window}"


def pending(action_id: str) -> str:
    return f"pending:{action_id}"


def done(stage: str, event_id: str) -> str:
    return f"done:{stage}:{event_id}"
