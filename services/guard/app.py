"""Faust wiring of the guard stage: tickets.raw.v1 -> tickets.guarded.v1 | tickets.blocked.v1.

Importing this module builds the engine, so a bad rules file fails at start-up.
"""

from __future__ import annotations

from libs import topics
from libs.kafka import faust_app
from libs.redis_client import redis_client
from libs.stage import Stage
from services.guard.engine import GuardEngine
from services.guard.handler import make_handler
from services.guard.settings import GuardSettings
from services.guard.vault import PiiVault

settings = GuardSettings()
engine = GuardEngine.from_settings(settings)
vault = PiiVault(
    redis_client(settings),
    ttl_s=settings.guard_pii_ttl_s,
    key=settings.guard_pii_key.get_secret_value() if settings.guard_pii_key else None,
)
app = faust_app("guard", settings)
stage = Stage(
    name="guard",
    app=app,
    source=topics.RAW,
    handler=make_handler(engine, settings.producer_id, vault),
    settings=settings,
)
