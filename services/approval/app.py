"""Faust wiring: one app (group ``triage-approval``), one stage per consumed topic."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import faust
import httpx

from libs import topics
from libs.errors import TransientError
from libs.kafka import faust_app, faust_sender, publish_models
from libs.logs import log_fields
from libs.redis_client import redis_client
from libs.stage import Stage
from schemas import Envelope
from services.approval.executor import Executor
from services.approval.expiry import Sweeper
from services.approval.pending import PendingStore
from services.approval.policy import load_policy
from services.approval.settings import ApprovalSettings
from services.approval.tiers import Schedule
from services.approval.worker import ApprovalHandlers

logger = logging.getLogger(__name__)


def create_worker_app(settings: ApprovalSettings) -> faust.App:
    """The worker's faust app; raises PolicyError before anything starts if the policy is bad."""
    policy = load_policy(settings.policy_file)
    app = faust_app("approval", settings)
    # Not closed on shutdown: faust stops the agents only after its shutdown signal,
    # and a batch still draining must not find its client closed. Exit frees both.
    redis = redis_client(settings)
    http = httpx.AsyncClient(timeout=settings.tools_timeout_s)
    store = PendingStore(redis, memory_s=settings.approval_memory_s)
    schedule = Schedule(settings.tiers, settings.approval_reminder_before_s)
    handlers = ApprovalHandlers(
        policy=policy,
        store=store,
        executor=Executor.from_settings(settings, redis, http),
        producer=settings.producer_id,
        schedule=schedule,
    )
    send = faust_sender(app)

    async def publish_all(models: Sequence[Envelope]) -> None:
        await publish_models(send, models, settings.kafka_send_timeout_s)

    sweeper = Sweeper(
        store,
        schedule,
        publish_all,
        producer=settings.producer_id,
        batch=settings.approval_sweep_batch,
    )
    Stage(
        name="approval.triaged",
        app=app,
        source=topics.TRIAGED,
        handler=handlers.on_triaged,
        settings=settings,
    )
    Stage(
        name="approval.blocked",
        app=app,
        source=topics.BLOCKED,
        handler=handlers.on_blocked,
        settings=settings,
    )

    @app.timer(interval=settings.approval_sweep_interval_s)
    async def _sweep() -> None:
        """Reminders, escalations and expiries; every replica sweeps, each item is claimed once."""
        try:
            await sweeper.sweep()
        except TransientError:
            logger.exception("sweep failed, next tick retries", extra=log_fields("sweep_failed"))

    @app.task
    async def _announce() -> None:
        """Say which policy runs (logging is configured by now)."""
        logger.info(
            "approval policy loaded",
            extra=log_fields(
                "approval_policy",
                path=str(settings.policy_file),
                tools=sorted(policy.tools),
                tenants=sorted(policy.tenants),
            ),
        )

    return app
