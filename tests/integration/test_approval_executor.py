"""The executor against a local HTTP tool server and real Redis: at most once per action."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from redis.asyncio import Redis

from libs.errors import TransientError
from libs.redis_client import redis_client
from libs.security import SIGNATURE_HEADER, verify
from libs.settings import RedisSettings
from services.approval.executor import Executor
from services.approval.settings import ApprovalSettings
from services.approval.tools import ActionContext
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo
from tests.support.tickets import action, triaged_ticket

pytestmark = pytest.mark.integration

SECRET = "tool-secret"


@pytest.fixture
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


@pytest.fixture
async def executor(stack: StackInfo, recorder: HttpRecorder) -> AsyncIterator[Executor]:
    redis: Redis = redis_client(RedisSettings(redis_url=stack.redis_url))
    settings = ApprovalSettings(
        tools_base_url=f"{recorder.url}/tools", tools_signing_secret=SECRET, tools_timeout_s=2.0
    )
    async with httpx.AsyncClient(timeout=settings.tools_timeout_s) as client:
        yield Executor.from_settings(settings, redis, client)
    await redis.aclose()


def context(tool: str, **args: object) -> ActionContext:
    proposed = action(tool, **args)
    return ActionContext.proposed(triaged_ticket(proposed), proposed)


async def test_tool_is_called_once_even_when_executed_twice(
    executor: Executor, recorder: HttpRecorder
) -> None:
    ctx = context("send_reply", reply="Refund is on its way.")
    first = await executor.execute(ctx)
    second = await executor.execute(ctx)
    assert first == second
    assert first.status == "executed"
    assert first.result["ok"] is True
    calls = recorder.calls("/tools/send_reply", str(ctx.action_id))
    assert len(calls) == 1
    assert calls[0].json() == {
        "action_id": str(ctx.action_id),
        "ticket_id": ctx.ticket_id,
        "tenant": ctx.tenant,
        "message_id": ctx.message_id,
        "tool": "send_reply",
        "args": {"reply": "Refund is on its way."},
    }
    assert calls[0].headers["Idempotency-Key"] == str(ctx.action_id)
    verify(calls[0].headers[SIGNATURE_HEADER], calls[0].body, [SECRET])


async def test_concurrent_executions_of_one_action_call_the_tool_once(
    executor: Executor, recorder: HttpRecorder
) -> None:
    ctx = context("create_ticket", title="Crash E-4012")
    results = await asyncio.gather(
        *(executor.execute(ctx) for _ in range(5)), return_exceptions=True
    )
    done = [r for r in results if not isinstance(r, BaseException)]
    assert done and all(r.status == "executed" for r in done)
    # The others found the lease held and were told to retry, never to act.
    assert all(isinstance(r, TransientError) for r in results if isinstance(r, BaseException))
    assert len(recorder.calls("/tools/create_ticket", str(ctx.action_id))) == 1


async def test_server_error_is_transient_and_leaves_the_action_retryable(
    executor: Executor, recorder: HttpRecorder
) -> None:
    recorder.answer("/tools/escalate_to_human", 500)
    ctx = context("escalate_to_human", reason="angry whale")
    with pytest.raises(TransientError):
        await executor.execute(ctx)
    recorder.answer("/tools/escalate_to_human", 200)
    execution = await executor.execute(ctx)
    assert execution.status == "executed"
    assert len(recorder.calls("/tools/escalate_to_human", str(ctx.action_id))) == 2


async def test_client_error_is_a_failed_outcome_remembered_for_redeliveries(
    executor: Executor, recorder: HttpRecorder
) -> None:
    recorder.answer("/tools/flag_account", 400)
    ctx = context("flag_account", reason="cheating")
    first = await executor.execute(ctx)
    assert first.status == "failed"
    assert first.error is not None and "400" in first.error
    recorder.answer("/tools/flag_account", 200)
    assert await executor.execute(ctx) == first
    assert len(recorder.calls("/tools/flag_account", str(ctx.action_id))) == 1


async def test_invalid_arguments_and_unknown_tools_fail_without_a_call(
    executor: Executor, recorder: HttpRecorder
) -> None:
    bad_args = context("grant_compensation", amount=-5, currency="gems", reason="x")
    unknown = context("teleport_player", to="moon")
    bad = await executor.execute(bad_args)
    missing = await executor.execute(unknown)
    assert bad.status == missing.status == "failed"
    assert bad.error is not None and "ValidationError" in bad.error
    assert missing.error is not None and "unknown tool 'teleport_player'" in missing.error
    assert recorder.calls(containing=str(bad_args.action_id)) == []
    assert recorder.calls(containing=str(unknown.action_id)) == []


async def test_started_tells_whether_an_action_ran(executor: Executor) -> None:
    ctx = context("send_reply", reply="hi")
    assert not await executor.started(ctx.action_id)
    await executor.execute(ctx)
    assert await executor.started(ctx.action_id)
