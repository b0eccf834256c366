"""Every Redis key the services use; prefixes are exclusive to their owner."""

from __future__ import annotations

PENDING_EXPIRY = "pending_expiry"
#: Next reminder or escalation of each pending item (action id scored by unix time).
PENDING_DUE = "pending_due"


def dedup(tenant: str, message_id: str) -> str:
    return f"dedup:{tenant}:{message_id}"


def ratelimit(tenant: str, user: str, window: int) -> str:
    return f"ratelimit:{tenant}:{user}:{window}"


def ratelimit_burst(tenant: str, user: str, window: int) -> str:
    return f"ratelimit_burst:{tenant}:{user}:{window}"


def llm_rate(kind: str, window: int) -> str:
    return f"llm_rate:{kind}:{window}"


def llm_cost(tenant: str, day: str) -> str:
    """A tenant's LLM spend on one UTC day (``yyyymmdd``), in micro-dollars."""
    return f"llm_rate:cost:{tenant}:{day}"


def pending(action_id: str) -> str:
    return f"pending:{action_id}"


def pending_trace(action_id: str) -> str:
    """Trace context of the ticket a pending item belongs to (a decision continues it)."""
    return f"pending_trace:{action_id}"


def done(stage: str, event_id: str) -> str:
    return f"done:{stage}:{event_id}"


def pii(ticket_id: str) -> str:
    """The guard's PII vault for one ticket: placeholder -> (encrypted) value, with a TTL."""
    return f"pii:{ticket_id}"
