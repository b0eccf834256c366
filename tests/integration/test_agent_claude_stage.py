"""The agent worker with TRIAGE_AGENT_TRIAGER=claude on the real broker and Redis.

Claude is the fake Messages API with a fixed latency: tickets come out triaged by
Claude with usage and cost, a ticket Claude keeps failing on is triaged by the
local model (source "fallback"), and many requests are in flight at once.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from libs import topics
from schemas.tickets import TriagedTicket
from tests.support.fake_anthropic import FakeAnthropic, Reply
from tests.support.stack import StackInfo, consume, produce, service
from tests.support.tickets import guarded_ticket

pytestmark = pytest.mark.integration

LATENCY_S = 0.25
TICKETS = 32


def answer(body: dict[str, Any]) -> Reply:
    """Fail for good on the marked ticket, answer every other one."""
    if "FAIL-ME" in str(body["messages"][0]["content"]):
        return Reply.error(500)
    return Reply.tool()


async def test_claude_stage_triages_concurrently_and_falls_back(
    stack: StackInfo, tmp_path: Path
) -> None:
    nonce = uuid.uuid4().hex[:12]
    tenant = f"it-claude-{nonce}"
    tickets = [
        guarded_ticket(
            f"charged twice for gems, order ORD-{i} ({nonce})", tenant=tenant, message_id=f"m-{i}"
        )
        for i in range(TICKETS)
    ]
    failing = guarded_ticket(f"FAIL-ME please ({nonce})", tenant=tenant, message_id="fail")
    log = tmp_path / "agent.log"
    with FakeAnthropic(latency_s=LATENCY_S, default=answer) as fake:
        env = stack.env(
            TRIAGE_AGENT_TRIAGER="claude",
            TRIAGE_ANTHROPIC_API_KEY="test-key",
            TRIAGE_AGENT_CLAUDE_BASE_URL=fake.url,
            TRIAGE_AGENT_CLAUDE_RETRY_ATTEMPTS="2",
            TRIAGE_AGENT_CLAUDE_RETRY_INITIAL_S="0.05",
            TRIAGE_AGENT_CLAUDE_REQUESTS_PER_MINUTE="100000",
            TRIAGE_AGENT_CLAUDE_TOKENS_PER_MINUTE="100000000",
            TRIAGE_STAGE_CONCURRENCY="16",
        )
        with service(["services.agent"], env, log) as proc:
            started = time.monotonic()
            await produce(
                stack.kafka_bootstrap,
                [
                    (topics.GUARDED.name, t.ticket_id.encode(), t.to_json())
                    for t in [*tickets, failing]
                ],
            )
            out = await consume(
                stack.kafka_bootstrap,
                [topics.TRIAGED.name],
                until=TICKETS + 1,
                match=nonce.encode(),
                timeout_s=60,
            )
            elapsed = time.monotonic() - started
            assert proc.poll() is None, log.read_text()
        max_in_flight = fake.max_in_flight

    assert len(out) == TICKETS + 1, log.read_text()[-3000:]
    triaged = {t.message_id: t for t in (TriagedTicket.from_json(m.value) for m in out)}
    for source in tickets:
        result = triaged[source.message_id]
        assert result.event_id == source.derive("agent")
        assert result.source == "claude" and result.model == "claude-sonnet-4-5"
        assert result.usage is not None and result.usage.cost_usd > 0
        assert [a.tool for a in result.triage.proposed_actions] == [
            "send_reply",
            "grant_compensation",
        ]
    fallback = triaged["fail"]
    assert fallback.source == "fallback" and fallback.model.startswith("local-")
    assert fallback.triage.rationale.startswith("claude skipped (server_error)")
    # 33 calls of 0.25 s one after another would take > 8 s
    assert max_in_flight >= 8, max_in_flight
    print(f"{TICKETS + 1} tickets in {elapsed:.2f}s, max {max_in_flight} LLM calls in flight")
