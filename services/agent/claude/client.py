"""``ClaudeTriager``: Claude through one typed tool, with the local model as the safety net.

Per ticket: the tenant's daily cost tier picks the model (or the local model past
the hard limit); the circuit breaker and the shared per-minute budget decide
whether a request may go out; tenacity retries what is worth retrying; the tool
input is validated, and an invalid one gets one repair turn with the error.
Whatever fails, the local model triages the ticket and the event says so:
``source="fallback"`` and the reason at the start of the rationale. The LLM only
proposes: the approval policy decides what runs.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import anthropic
from anthropic.types import Message, ToolUseBlock
from pydantic import ValidationError
from redis.exceptions import RedisError

from libs import tracing
from libs.logs import log_fields
from libs.redis_client import redis_client
from schemas.tickets import GuardedTicket, LlmUsage
from services.agent import metrics
from services.agent.claude import prompt
from services.agent.claude.breaker import CircuitBreaker
from services.agent.claude.budget import CostLedger, RateBudget, Reservation
from services.agent.claude.cost import PriceList, total
from services.agent.claude.retry import RetryPolicy, retry_reason, with_retries
from services.agent.claude.tool_schema import TOOL_NAME, Submission, submit_tool
from services.agent.settings import AgentSettings
from services.agent.triager import TriageOutcome, Triager

logger = logging.getLogger(__name__)

#: Rough characters per token, to reserve tokens before the real count is known.
_CHARS_PER_TOKEN = 3


@dataclass(frozen=True)
class ClaudeConfig:
    model: str
    cheap_model: str
    max_tokens: int = 1024
    temperature: float | None = None

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> ClaudeConfig:
        return cls(
            model=settings.agent_claude_model,
            cheap_model=settings.agent_claude_cheap_model,
            max_tokens=settings.agent_claude_max_tokens,
            temperature=settings.agent_claude_temperature,
        )


class _Fallback(Exception):
    """Claude cannot serve this ticket; ``reason`` is a stable label (metrics, rationale)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Invalid(Exception):
    """The answer is not a valid ``submit_triage`` call."""

    def __init__(self, error: str, tool_use: dict[str, Any] | None) -> None:
        super().__init__(error)
        self.error = error
        self.tool_use = tool_use


def validation_summary(exc: ValidationError) -> str:
    """One line per error, without the input echoed back."""
    return "\n".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
    )


def parse_answer(message: Message) -> Submission:
    """The validated tool input of an answer; :class:`_Invalid` says what is wrong."""
    calls = [b for b in message.content if isinstance(b, ToolUseBlock) and b.name == TOOL_NAME]
    if not calls:
        raise _Invalid(f"no {TOOL_NAME} call (stop_reason {message.stop_reason})", None)
    call = calls[0]
    try:
        return Submission.model_validate(call.input)
    except ValidationError as exc:
        tool_use = {"type": "tool_use", "id": call.id, "name": call.name, "input": call.input}
        raise _Invalid(validation_summary(exc), tool_use) from exc


class ClaudeTriager:
    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        config: ClaudeConfig,
        *,
        fallback: Triager,
        prices: PriceList,
        retry: RetryPolicy,
        breaker: CircuitBreaker,
        rate: RateBudget | None = None,
        ledger: CostLedger | None = None,
    ) -> None:
        for model in (config.model, config.cheap_model):
            prices.price(model)  # fail at start-up, not on the first ticket
        self.client = client
        self.config = config
        self.fallback = fallback
        self.prices = prices
        self.retry = retry
        self.breaker = breaker
        self.rate = rate
        self.ledger = ledger
        # This SDK has no temperature argument (newer models fix their sampling): when one
        # is configured it goes in the request body as-is.
        self._sampling = None if config.temperature is None else {"temperature": config.temperature}
        self._tools = [submit_tool()]
        self._system = prompt.system_blocks()
        self._prefix_tokens = (
            len(prompt.SYSTEM_PROMPT) + len(json.dumps(self._tools))
        ) // _CHARS_PER_TOKEN

    async def triage(self, ticket: GuardedTicket) -> TriageOutcome:
        usages: list[LlmUsage] = []
        try:
            return await self._claude(ticket, usages)
        except _Fallback as skipped:
            return await self._local(ticket, skipped.reason, usages)

    async def _local(
        self, ticket: GuardedTicket, reason: str, usages: list[LlmUsage]
    ) -> TriageOutcome:
        metrics.FALLBACKS.labels(reason).inc()
        logger.info(
            "local model triaged instead of claude",
            extra=log_fields("llm_fallback", ticket_id=ticket.ticket_id, reason=reason),
        )
        outcome = await self.fallback.triage(ticket)
        return outcome.model_copy(
            update={
                "source": "fallback",
                "rationale": f"claude skipped ({reason}); {outcome.rationale}",
                "usage": total(usages),
            }
        )

    async def _model_for(self, tenant: str) -> str:
        if self.ledger is None:
            return self.config.model
        try:
            tier = await self.ledger.tier(tenant)
        except RedisError:
            logger.exception("cost ledger unreachable", extra=log_fields("llm_budget_error"))
            raise _Fallback("budget_unavailable") from None
        metrics.COST_TIER.labels(tenant, tier).inc()
        if tier == "hard":
            raise _Fallback("cost_hard_limit")
        return self.config.cheap_model if tier == "soft" else self.config.model

    async def _claude(self, ticket: GuardedTicket, usages: list[LlmUsage]) -> TriageOutcome:
        model = await self._model_for(ticket.tenant)
        messages = prompt.first_turn(ticket)
        answer = await self._request(ticket, model, messages, usages)
        try:
            submission = parse_answer(answer)
        except _Invalid as invalid:
            metrics.LLM_REQUESTS.labels(model, "invalid").inc()
            if invalid.tool_use is None:
                raise _Fallback("invalid_answer") from invalid
            logger.info(
                "claude answer invalid, repairing",
                extra=log_fields("llm_repair", ticket_id=ticket.ticket_id, error=invalid.error),
            )
            messages = prompt.repair_turn(messages, invalid.tool_use, invalid.error)
            answer = await self._request(ticket, model, messages, usages)
            try:
                submission = parse_answer(answer)
            except _Invalid as again:
                metrics.LLM_REQUESTS.labels(model, "invalid").inc()
                raise _Fallback("invalid_answer") from again
        metrics.LLM_REQUESTS.labels(model, "ok").inc()
        return TriageOutcome(
            category=submission.category,
            urgency=submission.urgency,
            sentiment=submission.sentiment,
            language=submission.language.lower(),
            confidence=submission.confidence,
            rationale=submission.rationale,
            extracted=submission.extracted,
            draft_reply=submission.draft_reply,
            actions=submission.tool_calls(),
            source="claude",
            model=model,
            usage=total(usages),
        )

    async def _reserve(self, messages: list[dict[str, Any]]) -> Reservation | None:
        if self.rate is None:
            return None
        estimate = (
            self._prefix_tokens
            + len(json.dumps(messages, ensure_ascii=False)) // _CHARS_PER_TOKEN
            + self.config.max_tokens
        )
        try:
            reservation = await self.rate.reserve(estimate)
        except RedisError:
            logger.exception("rate budget unreachable", extra=log_fields("llm_budget_error"))
            raise _Fallback("budget_unavailable") from None
        if reservation is None:
            raise _Fallback("rate_budget")
        return reservation

    async def _request(
        self,
        ticket: GuardedTicket,
        model: str,
        messages: list[dict[str, Any]],
        usages: list[LlmUsage],
    ) -> Message:
        if not self.breaker.allow():
            raise _Fallback("breaker_open")
        try:
            reservation = await self._reserve(messages)
        except _Fallback:
            self.breaker.cancel()
            raise
        started = time.perf_counter()
        try:
            answer = await with_retries(self.retry, lambda: self._send(model, messages))
        except anthropic.APIError as exc:
            self.breaker.failure()
            metrics.BREAKER_OPEN.set(int(self.breaker.state == "open"))
            metrics.LLM_REQUESTS.labels(model, "error").inc()
            logger.exception(
                "claude request failed",
                extra=log_fields("llm_error", ticket_id=ticket.ticket_id, model=model),
            )
            raise _Fallback(retry_reason(exc) or "client_error") from exc
        finally:
            metrics.LLM_LATENCY.labels(model).observe(time.perf_counter() - started)
        self.breaker.success()
        metrics.BREAKER_OPEN.set(0)
        usage = self.prices.usage(model, answer.usage)
        usages.append(usage)
        await self._account(ticket.tenant, model, usage, reservation)
        return answer

    async def _send(self, model: str, messages: list[dict[str, Any]]) -> Message:
        """One attempt, traced as a GenAI client span."""
        with tracing.llm_span(
            provider="anthropic",
            model=model,
            max_tokens=self.config.max_tokens,
            temperature=self.config.temperature,
        ) as span:
            answer: Message = await self.client.messages.create(  # type: ignore[call-overload]
                model=model,
                max_tokens=self.config.max_tokens,
                system=self._system,
                tools=self._tools,
                tool_choice={"type": "tool", "name": TOOL_NAME},
                messages=messages,
                extra_body=self._sampling,
            )
            tracing.record_llm_response(
                span,
                input_tokens=answer.usage.input_tokens,
                output_tokens=answer.usage.output_tokens,
                response_model=answer.model,
                response_id=answer.id,
                finish_reasons=[answer.stop_reason] if answer.stop_reason else [],
            )
            return answer

    async def _account(
        self, tenant: str, model: str, usage: LlmUsage, reservation: Reservation | None
    ) -> None:
        """Metrics always; Redis budgets best-effort (a lost count must not lose the answer)."""
        for kind in ("input", "output", "cache_read", "cache_write"):
            metrics.LLM_TOKENS.labels(tenant, model, kind).inc(getattr(usage, f"{kind}_tokens"))
        metrics.LLM_COST.labels(tenant, model).inc(usage.cost_usd)
        try:
            if self.ledger is not None:
                await self.ledger.add(tenant, usage.cost_usd)
            if self.rate is not None and reservation is not None:
                used = usage.input_tokens + usage.output_tokens + usage.cache_write_tokens
                await self.rate.settle(reservation, used)
        except RedisError:
            logger.exception("budget not updated", extra=log_fields("llm_budget_error"))


def build_claude_triager(
    settings: AgentSettings, fallback: Triager, *, shared_budget: bool = True
) -> ClaudeTriager:
    """Claude with the settings' model, prices, retries, breaker and (shared) Redis budgets."""
    key = settings.anthropic_api_key
    client = anthropic.AsyncAnthropic(
        api_key=key.get_secret_value() if key else None,  # None: the SDK reads ANTHROPIC_API_KEY
        base_url=settings.agent_claude_base_url,
        max_retries=0,
        timeout=settings.agent_claude_timeout_s,
    )
    redis = redis_client(settings) if shared_budget else None
    return ClaudeTriager(
        client,
        ClaudeConfig.from_settings(settings),
        fallback=fallback,
        prices=PriceList.from_config(settings.agent_claude_prices),
        retry=RetryPolicy.from_settings(settings),
        breaker=CircuitBreaker(
            settings.agent_claude_breaker_failures, settings.agent_claude_breaker_cooldown_s
        ),
        rate=None
        if redis is None
        else RateBudget(
            redis,
            requests_per_minute=settings.agent_claude_requests_per_minute,
            tokens_per_minute=settings.agent_claude_tokens_per_minute,
            wait_s=settings.agent_claude_budget_wait_s,
        ),
        ledger=None
        if redis is None
        else CostLedger(
            redis,
            soft_usd=settings.agent_tenant_daily_soft_usd,
            hard_usd=settings.agent_tenant_daily_hard_usd,
        ),
    )
