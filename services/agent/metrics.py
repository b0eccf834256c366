"""Agent metrics (``triage_agent_`` prefix); the generic stage metrics live in libs.metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

TRIAGED = Counter(
    "triage_agent_triaged", "Tickets triaged, by category and triager", ["category", "source"]
)
REVIEW = Counter(
    "triage_agent_review", "Output-guard reasons that sent a ticket to a human", ["reason"]
)
REPAIRS = Counter(
    "triage_agent_output_repairs", "Drafts the output guard repaired in place", ["kind"]
)
LLM_REQUESTS = Counter(
    "triage_agent_llm_requests",
    "Messages API requests after retries, by model and outcome (ok, invalid, error)",
    ["model", "outcome"],
)
LLM_RETRIES = Counter("triage_agent_llm_retries", "Messages API requests retried", ["reason"])
LLM_LATENCY = Histogram(
    "triage_agent_llm_latency_seconds",
    "Time of one Messages API request including its retries",
    ["model"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
)
LLM_TOKENS = Counter(
    "triage_agent_llm_tokens",
    "Tokens by tenant, model and kind (input, output, cache_read, cache_write)",
    ["tenant", "model", "kind"],
)
LLM_COST = Counter("triage_agent_llm_cost_usd", "Claude spend in USD", ["tenant", "model"])
FALLBACKS = Counter(
    "triage_agent_fallbacks", "Tickets the local model triaged instead of Claude", ["reason"]
)
COST_TIER = Counter(
    "triage_agent_cost_tier",
    "Tickets by the tenant's daily cost tier (normal, soft: cheaper model, hard: local model)",
    ["tenant", "tier"],
)
BREAKER_OPEN = Gauge("triage_agent_breaker_open", "1 while the Claude circuit breaker is open")
