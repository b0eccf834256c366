"""approval-api in process for tests, and pending items built the way its worker builds them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
from redis.asyncio import Redis

from libs.redis_client import redis_client
from libs.security import hash_token
from schemas import PendingAction, utcnow
from services.approval.api import create_app
from services.approval.policy import Decision
from services.approval.settings import ApprovalSettings, Approver
from services.approval.tiers import Schedule
from services.approval.worker import pending_for_action
from tests.support.stack import StackInfo
from tests.support.tickets import action, triaged_ticket

DEFAULT_ARGS: dict[str, dict[str, Any]] = {
    "send_reply": {"reply": "Sorry, the duplicate charge is refunded."},
    "grant_compensation": {"amount": 5, "currency": "gems", "reason": "double charge"},
    "flag_account": {"reason": "chargeback abuse"},
    "create_ticket": {"title": "Crash E-4012 on login"},
}


def pending_item(
    tool: str = "send_reply",
    *,
    tenant: str = "starfall",
    urgency: str = "medium",
    expires_in: timedelta = timedelta(minutes=30),
    schedule: Schedule | None = None,
    **args: Any,
) -> PendingAction:
    """A parked action expiring in ``expires_in``; started at tier 0 of ``schedule`` if given."""
    proposed = action(tool, **(args or DEFAULT_ARGS[tool]))
    item = pending_for_action(
        triaged_ticket(proposed, tenant=tenant, urgency=urgency),
        proposed,
        Decision("approve", "policy requires approval"),
        producer="approval@test",
        expires_at=utcnow() + expires_in,
    )
    return schedule.start(item) if schedule else item


def approver(token: str, role: str = "approver") -> Approver:
    return Approver(token_sha256=hash_token(token), role=role)


def approval_settings(
    stack: StackInfo, tools_url: str, approvers: dict[str, Approver], **overrides: Any
) -> ApprovalSettings:
    """Settings on the test stack, with the tools on ``tools_url`` failing fast."""
    return ApprovalSettings(
        kafka_bootstrap=stack.kafka_bootstrap,
        kafka_idempotence=False,
        redis_url=stack.redis_url,
        tools_base_url=f"{tools_url}/tools",
        tools_timeout_s=2.0,
        approvers=approvers,
        **overrides,
    )


@asynccontextmanager
async def approval_api(
    settings: ApprovalSettings,
) -> AsyncIterator[tuple[httpx.AsyncClient, Redis]]:
    """The app with its lifespan running, an in-process client on ``http://approval``, its Redis."""
    app = create_app(settings)
    redis = redis_client(settings)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://approval"
            ) as client,
        ):
            yield client, redis
    finally:
        await redis.aclose()
