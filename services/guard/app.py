"""Faust wiring of the guard stage: tickets.raw.v1 -> tickets.guarded.v1 | tickets.blocked.v1.

Importing this module builds the engine, so a bad rules file fails at start-up.
"""

from __future__ import annotations

from libs import topics
from libs.kafka import faust_app
from libs.stage import Stage
from services.guard.engine import GuardEngine
from services.guard.handler import make_handler
from services.guard.settings import GuardSettings

settings = GuardSettings()
engine = GuardEngine.from_settings(settings)
app = faust_app("guard", settings)
stage = Stage(
    name="guard",
    app=app,
    source=topics.RAW,
    handler=make_handler(engine, settings.producer_id),
    settings=settings,
)
