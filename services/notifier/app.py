"""Faust wiring: one app (group ``triage-notifier``), one stage per consumed topic."""

from __future__ import annotations

import logging

import httpx

from libs import topics
from libs.kafka import faust_app
from libs.logs import log_fields
from libs.redis_client import redis_client
from libs.stage import Stage
from services.notifier.callbacks import CallbackSender
from services.notifier.config import channels_from_settings
from services.notifier.handlers import Notifier
from services.notifier.settings import NotifierSettings

logger = logging.getLogger(__name__)

settings = NotifierSettings()
app = faust_app("notifier", settings)

# Not closed on shutdown: faust stops the agents only after its shutdown signal,
# and a batch still draining must not find its client closed. Exit frees both.
http = httpx.AsyncClient(timeout=settings.notify_http_timeout_s)
redis = redis_client(settings)

channels = channels_from_settings(settings, http)
notifier = Notifier(redis, channels, CallbackSender(http, settings), settings.approval_public_url)

Stage(
    name="notifier.approvers",
    app=app,
    source=topics.PENDING,
    handler=notifier.on_pending,
    settings=settings,
    retry_attempts=settings.notify_retry_attempts,
    retry_max_wait_s=settings.notify_retry_max_wait_s,
)
Stage(
    name="notifier.callbacks",
    app=app,
    source=topics.EXECUTED,
    handler=notifier.on_outcome,
    settings=settings,
    retry_attempts=settings.notify_retry_attempts,
    retry_max_wait_s=settings.notify_retry_max_wait_s,
)


@app.task
async def _announce() -> None:
    """Say at start-up where approvers will be reached (logging is configured by now)."""
    names = [c.name for c in channels.default]
    if names:
        logger.info("notifier channels", extra=log_fields("notifier_channels", channels=names))
    else:
        logger.warning(
            "no approver channel configured: pending actions go to the DLQ",
            extra=log_fields("notifier_no_channels"),
        )
