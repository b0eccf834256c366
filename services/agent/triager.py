"""The triager interface: one guarded ticket in, one triage outcome out.

Implementations: :class:`services.agent.local.triager.LocalTriager` (offline,
deterministic) and :class:`services.agent.claude.client.ClaudeTriager`, which falls back
to the local one.
A triager may fail: it raises a :class:`TriageError` subclass so the caller can
tell a retryable outage (:class:`TriageUnavailable`, a ``TransientError`` the
stage runner retries) from an answer that will never be usable
(:class:`TriageInvalid`).
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from pydantic import ConfigDict

from libs.errors import PermanentError, TransientError
from schemas.tickets import (
    GuardedTicket,
    LlmUsage,
    TriageCore,
    TriageSource,
)
from services.agent.settings import AgentSettings


class ToolCall(NamedTuple):
    """An action as the triager proposes it: a registry tool name and its arguments."""

    tool: str
    args: dict[str, Any]


class TriageOutcome(TriageCore):
    """What a triager concluded; the stage adds ids, the output guard and the envelope."""

    model_config = ConfigDict(frozen=True)

    actions: tuple[ToolCall, ...] = ()
    source: TriageSource
    model: str
    usage: LlmUsage | None = None


class TriageError(Exception):
    """The triager could not produce an outcome."""


class TriageUnavailable(TriageError, TransientError):
    """The backend is unreachable, rate-limited or timed out: retry, or fall back."""


class TriageInvalid(TriageError, PermanentError):
    """The backend answered with something that is not a valid triage."""


class Triager(Protocol):
    """Anything that triages a guarded (PII-redacted) ticket."""

    async def triage(self, ticket: GuardedTicket) -> TriageOutcome: ...


def build_triager(settings: AgentSettings, *, shared_budget: bool = True) -> Triager:
    """The triager named by ``TRIAGE_AGENT_TRIAGER``, ready to use (the local model is loaded).

    ``shared_budget=False`` (CLI, evaluation) runs Claude without the Redis budgets.
    """
    # Imported here: the local triager imports this module for the outcome types.
    from services.agent.local.model import load_or_train
    from services.agent.local.triager import LocalTriager

    local = LocalTriager(load_or_train(settings.model_cache_dir))
    if settings.agent_triager == "local":
        return local
    if settings.agent_triager == "claude":
        from services.agent.claude.client import build_claude_triager

        return build_claude_triager(settings, fallback=local, shared_budget=shared_budget)
    raise ValueError(f"unknown triager {settings.agent_triager!r}")
