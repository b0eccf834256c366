"""ClaudeTriager through the real SDK against the fake Messages API, budgets in real Redis."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic
import pytest
from redis.asyncio import Redis

from schemas.tickets import PiiRedaction
from services.agent import metrics
from services.agent.claude.breaker import CircuitBreaker
from services.agent.claude.budget import CostLedger, RateBudget
from services.agent.claude.client import ClaudeConfig, ClaudeTriager
from services.agent.claude.cost import PriceList
from services.agent.claude.retry import RetryPolicy
from services.agent.claude.tool_schema import TOOL_NAME
from services.agent.handler import triage_ticket
from services.agent.local.model import load_or_train
from services.agent.local.triager import LocalTriager
from services.agent.output_guard import OutputPolicy
from services.agent.settings import AgentSettings
from tests.support.fake_anthropic import PREFIX_TOKENS, FakeAnthropic, Reply, valid_triage
from tests.support.stack import StackInfo
from tests.support.tickets import guarded_ticket

pytestmark = pytest.mark.integration

SETTINGS = AgentSettings()
PRICES = PriceList.from_config(SETTINGS.agent_claude_prices)
CONFIG = ClaudeConfig(model="claude-sonnet-4-5", cheap_model="claude-haiku-4-5", max_tokens=512)
FAST = RetryPolicy(attempts=3, total_s=5, initial_s=0.01, max_wait_s=0.5)


@pytest.fixture(scope="module")
def local() -> LocalTriager:
    return LocalTriager(load_or_train(SETTINGS.model_cache_dir))


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
async def redis(stack: StackInfo) -> AsyncIterator[Redis]:
    client = Redis.from_url(stack.redis_url)
    yield client
    await client.aclose()


def unique_minute() -> float:
    """A clock inside a far-away minute of its own, so rate keys never collide between tests."""
    return (random.randrange(10**8, 10**9)) * 60.0 + 1.0


def sdk(fake: FakeAnthropic, timeout: float = 5.0) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key="test-key", base_url=fake.url, max_retries=0, timeout=timeout
    )


def claude(
    fake: FakeAnthropic,
    local: LocalTriager,
    *,
    retry: RetryPolicy = FAST,
    breaker: CircuitBreaker | None = None,
    rate: RateBudget | None = None,
    ledger: CostLedger | None = None,
    timeout: float = 5.0,
) -> ClaudeTriager:
    return ClaudeTriager(
        sdk(fake, timeout),
        CONFIG,
        fallback=local,
        prices=PRICES,
        retry=retry,
        breaker=breaker or CircuitBreaker(failures=100, cooldown_s=60),
        rate=rate,
        ledger=ledger,
    )


def counter(metric: Any, *labels: str) -> float:
    return float(metric.labels(*labels)._value.get())


async def test_tool_answer_becomes_a_claude_outcome_with_cost(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert outcome.source == "claude" and outcome.model == "claude-sonnet-4-5"
    assert outcome.category == "billing" and outcome.confidence == 0.92
    assert [a.tool for a in outcome.actions] == ["send_reply", "grant_compensation"]
    # first request: the cached prefix is written (150*3 + 300*15 + 1800*3.75) / 1e6
    assert outcome.usage is not None
    assert outcome.usage.cache_write_tokens == PREFIX_TOKENS
    assert outcome.usage.cost_usd == pytest.approx(0.01170)
    [body] = fake.requests
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][0]["name"] == TOOL_NAME
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert body["max_tokens"] == 512 and "temperature" not in body
    second = await claude(fake, local).triage(guarded_ticket())
    assert second.usage is not None and second.usage.cache_read_tokens == PREFIX_TOKENS
    assert second.usage.cost_usd == pytest.approx((150 * 3 + 300 * 15 + 1800 * 0.3) / 1e6)


async def test_invalid_answer_gets_one_repair_turn(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    fake.script(Reply.tool(valid_triage(urgency="whenever")), Reply.tool())
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert outcome.source == "claude"
    first, repair = fake.requests
    assert len(repair["messages"]) == 3
    assert repair["messages"][1]["content"][0]["input"]["urgency"] == "whenever"
    result = repair["messages"][2]["content"][0]
    assert result["type"] == "tool_result" and result["is_error"] is True
    assert "urgency" in result["content"]
    assert outcome.usage is not None and outcome.usage.output_tokens == 600  # both turns


async def test_invalid_twice_falls_back_to_the_local_model(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    before = counter(metrics.FALLBACKS, "invalid_answer")
    fake.script(Reply.tool({"category": "billing"}), Reply.tool({"category": "nope"}))
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert outcome.source == "fallback" and outcome.model.startswith("local-")
    assert outcome.rationale.startswith("claude skipped (invalid_answer)")
    assert outcome.usage is not None and outcome.usage.output_tokens == 600  # still paid for
    assert len(fake.requests) == 2
    assert counter(metrics.FALLBACKS, "invalid_answer") == before + 1


async def test_a_text_answer_without_the_tool_falls_back(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    fake.script(Reply(text="I think this is billing."))
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert outcome.source == "fallback" and len(fake.requests) == 1


async def test_server_errors_are_retried_then_answered(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    before = counter(metrics.LLM_RETRIES, "server_error") + counter(
        metrics.LLM_RETRIES, "overloaded"
    )
    fake.script(Reply.error(500), Reply.error(529))
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert outcome.source == "claude" and len(fake.requests) == 3
    after = counter(metrics.LLM_RETRIES, "server_error") + counter(
        metrics.LLM_RETRIES, "overloaded"
    )
    assert after == before + 2


async def test_429_waits_for_retry_after(fake: FakeAnthropic, local: LocalTriager) -> None:
    fake.script(Reply.error(429, retry_after=0.3))
    started = time.perf_counter()
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert time.perf_counter() - started >= 0.3
    assert outcome.source == "claude" and len(fake.requests) == 2


async def test_other_4xx_are_not_retried(fake: FakeAnthropic, local: LocalTriager) -> None:
    fake.script(Reply.error(400))
    outcome = await claude(fake, local).triage(guarded_ticket())
    assert outcome.source == "fallback" and "client_error" in outcome.rationale
    assert len(fake.requests) == 1


async def test_timeouts_are_retried_then_fall_back(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    fake.script(Reply.slow(2.0), Reply.slow(2.0))
    retry = RetryPolicy(attempts=2, total_s=5, initial_s=0.01, max_wait_s=0.1)
    started = time.perf_counter()
    outcome = await claude(fake, local, retry=retry, timeout=0.3).triage(guarded_ticket())
    assert time.perf_counter() - started < 1.5
    assert outcome.source == "fallback" and "(timeout)" in outcome.rationale
    assert len(fake.requests) == 2


async def test_breaker_opens_then_probes_after_cooldown(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    breaker = CircuitBreaker(failures=2, cooldown_s=0.4)
    retry = RetryPolicy(attempts=1, total_s=1, initial_s=0.01, max_wait_s=0.1)
    triager = claude(fake, local, retry=retry, breaker=breaker)
    fake.script(Reply.error(500), Reply.error(503))
    assert (await triager.triage(guarded_ticket())).source == "fallback"
    assert (await triager.triage(guarded_ticket())).source == "fallback"
    assert breaker.state == "open"
    skipped = await triager.triage(guarded_ticket())
    assert skipped.rationale.startswith("claude skipped (breaker_open)")
    assert len(fake.requests) == 2  # no request while open
    await asyncio.sleep(0.45)
    probe = await triager.triage(guarded_ticket())
    assert probe.source == "claude" and breaker.state == "closed"
    assert len(fake.requests) == 3


async def test_rate_budget_is_shared_by_two_agents(
    fake: FakeAnthropic, local: LocalTriager, stack: StackInfo
) -> None:
    minute = unique_minute()
    agents = []
    clients = []
    for _ in range(2):  # two replicas: own SDK client, own Redis connection
        client = Redis.from_url(stack.redis_url)
        clients.append(client)
        rate = RateBudget(
            client,
            requests_per_minute=5,
            tokens_per_minute=10**9,
            wait_s=0,
            clock=lambda: minute,
        )
        agents.append(claude(fake, local, rate=rate))
    try:
        outcomes = await asyncio.gather(
            *(agents[i % 2].triage(guarded_ticket()) for i in range(12))
        )
    finally:
        for client in clients:
            await client.aclose()
    sources = [o.source for o in outcomes]
    assert sources.count("claude") == 5 and len(fake.requests) == 5
    assert all(
        o.rationale.startswith("claude skipped (rate_budget)")
        for o in outcomes
        if o.source == "fallback"
    )


async def test_token_budget_and_settlement(
    fake: FakeAnthropic, local: LocalTriager, redis: Redis
) -> None:
    minute = unique_minute()
    window = int(minute // 60)
    rate = RateBudget(
        redis, requests_per_minute=100, tokens_per_minute=6000, wait_s=0, clock=lambda: minute
    )
    triager = claude(fake, local, rate=rate)
    assert (await triager.triage(guarded_ticket())).source == "claude"
    # settled to the real count: 150 input + 300 output + 1800 cache write
    assert await redis.get(f"llm_rate:tokens:{window}") == b"2250"
    assert await redis.get(f"llm_rate:requests:{window}") == b"1"
    assert (await triager.triage(guarded_ticket())).source == "claude"
    # the third reservation (estimate of prefix + message + max_tokens) no longer fits
    assert (await triager.triage(guarded_ticket())).source == "fallback"


async def test_over_budget_waits_for_the_next_minute_when_close(
    fake: FakeAnthropic, local: LocalTriager, redis: Redis
) -> None:
    start = unique_minute() + 58.7  # 0.3 s before the next window
    clock = [start]
    rate = RateBudget(
        redis, requests_per_minute=1, tokens_per_minute=10**9, wait_s=1.0, clock=lambda: clock[0]
    )
    triager = claude(fake, local, rate=rate)
    assert (await triager.triage(guarded_ticket())).source == "claude"
    started = time.perf_counter()
    assert (await triager.triage(guarded_ticket())).source == "claude"  # waited for the next minute
    assert time.perf_counter() - started >= 0.25
    rate.wait_s = 0.1
    assert (await triager.triage(guarded_ticket())).source == "fallback"


async def test_daily_cost_tiers(fake: FakeAnthropic, local: LocalTriager, redis: Redis) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    ledger = CostLedger(redis, soft_usd=0.02, hard_usd=0.03)
    triager = claude(fake, local, ledger=ledger)
    first = await triager.triage(guarded_ticket(tenant=tenant))
    assert first.model == "claude-sonnet-4-5"
    assert first.usage is not None
    assert await ledger.spent(tenant) == pytest.approx(first.usage.cost_usd, abs=1e-6)
    await ledger.add(tenant, 0.01)
    soft = await triager.triage(guarded_ticket(tenant=tenant))
    assert soft.source == "claude" and soft.model == "claude-haiku-4-5"
    assert fake.requests[-1]["model"] == "claude-haiku-4-5"
    await ledger.add(tenant, 0.01)
    hard = await triager.triage(guarded_ticket(tenant=tenant))
    assert hard.source == "fallback" and "cost_hard_limit" in hard.rationale
    assert len(fake.requests) == 2
    assert counter(metrics.COST_TIER, tenant, "soft") == 1
    assert counter(metrics.COST_TIER, tenant, "hard") == 1
    assert counter(metrics.LLM_COST, tenant, "claude-haiku-4-5") == pytest.approx(
        soft.usage.cost_usd if soft.usage else -1
    )


async def test_redis_down_falls_back_instead_of_spending_blind(
    fake: FakeAnthropic, local: LocalTriager
) -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    ledger = CostLedger(dead, soft_usd=1, hard_usd=2)
    outcome = await claude(fake, local, ledger=ledger).triage(guarded_ticket())
    assert outcome.source == "fallback" and "budget_unavailable" in outcome.rationale
    assert fake.requests == []
    await dead.aclose()


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        ("Reset it here: https://evil.example/reset and https://support.starfall.example/a", None),
        ("We will give you a full refund today.", "forbidden_promise"),
        ("Use this key: sk-" + "ant-REDACTEDabcdefghijklmnopqrstu", "secret_in_draft"),
        ("We wrote to [EMAIL_1] about it.", "pii_placeholder_in_draft"),
    ],
)
async def test_output_guard_checks_claudes_draft(
    fake: FakeAnthropic, local: LocalTriager, draft: str, code: str | None
) -> None:
    fake.script(
        Reply.tool(
            valid_triage(
                draft_reply=draft, actions=[{"tool": "send_reply", "args": {"reply": draft}}]
            )
        )
    )
    source = guarded_ticket()
    source = source.model_copy(
        update={"pii": [PiiRedaction(kind="email", placeholder="[EMAIL_1]")]}
    )
    triaged, guarded = await triage_ticket(
        source, claude(fake, local), OutputPolicy.from_settings(SETTINGS), "agent@test"
    )
    assert triaged.source == "claude"
    if code is None:
        assert "evil.example" not in triaged.triage.draft_reply
        assert "support.starfall.example" in triaged.triage.draft_reply
        assert [r.code for r in guarded.repairs] == ["url_removed"]
        assert triaged.review_reasons == []
    else:
        assert any(reason.startswith(code) for reason in triaged.review_reasons)
    reply = triaged.triage.proposed_actions[0].args["reply"]
    assert reply == triaged.triage.draft_reply


async def test_low_confidence_goes_to_review(fake: FakeAnthropic, local: LocalTriager) -> None:
    fake.script(Reply.tool(valid_triage(confidence=0.2)))
    triaged, _ = await triage_ticket(
        guarded_ticket(), claude(fake, local), OutputPolicy.from_settings(SETTINGS), "agent@test"
    )
    assert triaged.review_reasons == ["low_confidence: 0.20 < 0.50"]
