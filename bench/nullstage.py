"""``python -m bench.nullstage``: the guard stage with the engine taken out.

Same stage runner, decoding, output building (``guard_event``) and publishing
as ``services.guard``, but a fixed "pass" verdict instead of the rules engine:
the difference to the guard figure is the engine's share, the difference to the
raw loop is the stage runner's (faust, tracing, metrics, pydantic).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from libs import topics
from libs.kafka import faust_app
from libs.stage import Stage
from libs.worker import run_worker
from schemas import Envelope, RawTicket
from services.guard.engine import GuardResult
from services.guard.handler import guard_event
from services.guard.settings import GuardSettings

settings = GuardSettings(service_name="bench-nullstage")
app = faust_app("bench-nullstage", settings)


async def handle(raw: RawTicket) -> Sequence[Envelope]:
    result = GuardResult(verdict="pass", score=0.0, findings=[], redacted_text=raw.text, pii=[])
    return [guard_event(raw, result, settings.producer_id)]


Stage(name="bench-nullstage", app=app, source=topics.RAW, handler=handle, settings=settings)

if __name__ == "__main__":
    sys.argv[1:] = ["worker"]
    run_worker(app, settings)
