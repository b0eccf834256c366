"""Kafka wiring of the agent: tickets.guarded.v1 -> tickets.triaged.v1 (DLQ on failure).

Importing this module builds the triager, so the local model is loaded (or trained
and cached) at start-up rather than on the first ticket.
"""

from __future__ import annotations

from libs import topics
from libs.kafka import faust_app
from libs.stage import Stage
from services.agent.handler import make_handler
from services.agent.output_guard import OutputPolicy
from services.agent.settings import AgentSettings
from services.agent.triager import build_triager

settings = AgentSettings()
app = faust_app("agent", settings)
triager = build_triager(settings)
stage = Stage(
    name="agent",
    app=app,
    source=topics.GUARDED,
    handler=make_handler(triager, OutputPolicy.from_settings(settings), settings.producer_id),
    settings=settings,
)
