"""The executor: runs an action through the tool registry at most once per action id.

The result (executed with the tool's answer, or failed for good with the
error) is remembered under ``done:executor:{action_id}``, so a redelivered
event or a second decision gets the same result back to republish instead of
acting twice. Transient tool failures propagate as :class:`TransientError`
and leave no marker, so the caller may retry.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Literal

import httpx
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from libs import redis_keys
from libs.errors import PermanentError, TransientError
from libs.idempotency import run_once
from libs.logs import log_fields
from schemas import ActionOutcome, utcnow
from schemas.actions import ActionStatus, DecisionChannel
from services.approval.metrics import EXECUTED
from services.approval.settings import ApprovalSettings
from services.approval.tools import ActionContext, LinearTool, Tool, ToolRegistry

logger = logging.getLogger(__name__)

#: Idempotency stage of tool calls: ``done:executor:{action_id}``.
EXECUTOR_STAGE = "executor"


@dataclass(frozen=True)
class Execution:
    status: Literal["executed", "failed"]
    result: dict[str, Any]
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "result": self.result, "error": self.error}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Execution:
        return cls(status=data["status"], result=data.get("result") or {}, error=data.get("error"))


class Executor:
    def __init__(
        self,
        redis: Redis,
        client: httpx.AsyncClient,
        registry: ToolRegistry,
        *,
        memory_s: int,
        lease_s: int = 60,
        signing_secret: str | None = None,
    ) -> None:
        self._redis = redis
        self._client = client
        self._registry = registry
        self._memory_s = memory_s
        self._lease_s = lease_s
        self._signing_secret = signing_secret

    @classmethod
    def from_settings(
        cls, settings: ApprovalSettings, redis: Redis, client: httpx.AsyncClient
    ) -> Executor:
        secret = settings.tools_signing_secret
        overrides: dict[str, Tool] = {}
        if settings.create_ticket_adapter == "linear" and settings.linear_api_key:
            overrides["create_ticket"] = LinearTool(
                settings.linear_api_url,
                settings.linear_api_key.get_secret_value(),
                settings.linear_team_id,
            )
        return cls(
            redis,
            client,
            ToolRegistry.http(settings.tool_url, overrides),
            memory_s=settings.approval_memory_s,
            # The claim must outlive a slow tool call, or a retry could call it again.
            lease_s=max(60, int(settings.tools_timeout_s * 3)),
            signing_secret=(secret.get_secret_value() if secret else "") or None,
        )

    async def execute(self, ctx: ActionContext) -> Execution:
        once = await run_once(
            self._redis,
            EXECUTOR_STAGE,
            str(ctx.action_id),
            partial(self._dispatch, ctx),
            lease_s=self._lease_s,
            keep_s=self._memory_s,
        )
        execution = Execution.from_dict(once.result)
        if not once.duplicate:
            EXECUTED.labels(ctx.tool, execution.status).inc()
        return execution

    async def started(self, action_id: uuid.UUID) -> bool:
        """Whether the action ran (or is running): it can no longer be rejected."""
        try:
            return bool(await self._redis.exists(redis_keys.done(EXECUTOR_STAGE, str(action_id))))
        except RedisError as exc:
            raise TransientError(f"redis unavailable: {exc}") from exc

    async def _dispatch(self, ctx: ActionContext) -> dict[str, Any]:
        try:
            tool = self._registry.get(ctx.tool)
            result = await tool.call(self._client, ctx, self._signing_secret)
        except (PermanentError, ValidationError) as exc:
            # Retrying cannot help: the outcome records the failure for the humans downstream.
            logger.warning(
                "tool failed for good",
                extra=log_fields(
                    "tool_failed",
                    ticket_id=ctx.ticket_id,
                    action_id=str(ctx.action_id),
                    tool=ctx.tool,
                    error_type=type(exc).__name__,
                ),
            )
            return Execution("failed", {}, f"{type(exc).__name__}: {exc}"[:2000]).to_dict()
        return Execution("executed", result).to_dict()


def action_outcome(
    ctx: ActionContext,
    *,
    event_id: uuid.UUID,
    producer: str,
    status: ActionStatus,
    decided_by: str,
    channel: DecisionChannel,
    reason: str | None = None,
    execution: Execution | None = None,
    decided_at: datetime | None = None,
) -> ActionOutcome:
    """The actions.executed record of one decided (and possibly executed) action."""
    return ActionOutcome.model_validate(
        {
            **ActionOutcome.envelope(
                event_id=event_id, ticket_id=ctx.ticket_id, tenant=ctx.tenant, producer=producer
            ),
            "action_id": ctx.action_id,
            "tool": ctx.tool,
            "args": ctx.args,
            "status": status,
            "decided_by": decided_by,
            "decision_channel": channel,
            "decided_at": decided_at or utcnow(),
            "reason": reason,
            "result": execution.result if execution else {},
            "error": execution.error if execution else None,
            "message_id": ctx.message_id,
            "callback_url": ctx.callback_url,
        }
    )
