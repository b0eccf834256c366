"""Agent settings (``TRIAGE_`` environment prefix): shared service settings plus the triage's."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from libs.settings import ServiceSettings

#: Where the trained local model is cached unless configured (gitignored).
PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "model"

TriagerKind = Literal["local", "claude"]


class AgentSettings(ServiceSettings):
    service_name: str = "agent"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    agent_triager: TriagerKind = "local"
    """Which triager handles tickets: ``local`` (offline model) or ``claude`` (local fallback)."""
    agent_model_dir: Path | None = None
    """Cache directory of the trained local model; unset: ``services/agent/model``."""
    agent_url_allowlist: list[str] = [
        "support.starfall.example",
        "status.starfall.example",
    ]
    """Hosts (and their subdomains) a draft reply may link to; other links are removed."""
    agent_forbidden_phrases: list[str] = [
        "full refund",
        "refund you",
        "we will refund",
        "we will compensate you",
        "you will be compensated",
        "you will receive compensation",
        "guaranteed",
        "rückerstattung garantiert",
        "remboursement intégral",
        "reembolso completo",
        "reembolso integral",
    ]
    """Phrases a draft must not contain (case-insensitive); one sends the ticket to a human."""
    agent_confidence_floor: float = Field(default=0.5, ge=0.0, le=1.0)
    """Triage confidence below which the ticket goes to a human."""

    anthropic_api_key: SecretStr | None = None
    """Anthropic API key; needed only with ``TRIAGE_AGENT_TRIAGER=claude``."""
    agent_claude_base_url: str | None = None
    """Messages API base URL; unset: the SDK's default (Anthropic)."""
    agent_claude_model: str = "claude-sonnet-4-5"
    """Claude model that triages tickets."""
    agent_claude_cheap_model: str = "claude-haiku-4-5"
    """Cheaper model used once a tenant passes its daily soft cost limit."""
    agent_claude_max_tokens: int = Field(default=1024, ge=64)
    """Most output tokens per Claude answer."""
    agent_claude_temperature: float | None = Field(default=None, ge=0.0, le=1.0)
    """Sampling temperature sent with each request; unset: the model's default."""
    agent_claude_timeout_s: float = Field(default=20.0, gt=0)
    """Timeout of one Messages API request (the SDK's own retries are off)."""
    agent_claude_retry_attempts: int = Field(default=4, ge=1)
    """Most attempts per Claude request (5xx, 529, timeouts, connection errors, 429)."""
    agent_claude_retry_total_s: float = Field(default=30.0, gt=0)
    """Most time spent retrying one request before the local model takes over."""
    agent_claude_retry_initial_s: float = Field(default=0.5, ge=0)
    """First backoff wait; it doubles per attempt, with jitter."""
    agent_claude_retry_max_wait_s: float = Field(default=8.0, ge=0)
    """Longest single backoff wait; a 429 whose retry-after is longer is not retried."""
    agent_claude_breaker_failures: int = Field(default=5, ge=1)
    """Consecutive failed Claude requests that open the circuit breaker."""
    agent_claude_breaker_cooldown_s: float = Field(default=30.0, gt=0)
    """How long the local model serves alone before Claude is probed again."""
    agent_claude_requests_per_minute: int = Field(default=50, ge=1)
    """Claude requests per minute across all agent replicas (Redis budget)."""
    agent_claude_tokens_per_minute: int = Field(default=80000, ge=1)
    """Claude input + output tokens per minute across all agent replicas (Redis budget)."""
    agent_claude_budget_wait_s: float = Field(default=2.0, ge=0)
    """Over the minute budget: wait for the next minute if it starts within this, else fall back."""
    agent_claude_prices: dict[str, dict[str, float]] = {
        "claude-sonnet-4-5": {"input": 3.0, "output": 15.0, "cache_read": 0.3, "cache_write": 3.75},
        "claude-haiku-4-5": {"input": 1.0, "output": 5.0, "cache_read": 0.1, "cache_write": 1.25},
    }
    """USD per million tokens by model: input, output, cache_read, cache_write."""
    agent_tenant_daily_soft_usd: float = Field(default=5.0, ge=0)
    """A tenant's Claude spend per UTC day past which the cheaper model triages."""
    agent_tenant_daily_hard_usd: float = Field(default=20.0, ge=0)
    """A tenant's Claude spend per UTC day past which only the local model triages."""

    @property
    def model_cache_dir(self) -> Path:
        return self.agent_model_dir or PACKAGE_MODEL_DIR
