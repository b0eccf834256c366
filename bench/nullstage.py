"""``python -m bench.nullstage``: the guard stage with the engine taken out.

Same stage runner, decoding, output building (``guard_event``) and publishing
as ``services.guard``, but a fixed "pass" verdict instead of the rules engine:
the difference to the guard figure is the engine's share, the difference to the
raw loop is the stage runner's (faust, tracing, metrics, pydantic).

With ``TRIAGE_BENCH_HANDLER_DELAY_S`` set, each event waits a random time up to
that long and the output text gets `` overlap`` appended if another event of
the same ticket was being handled at the same time (the ordering test uses it).
"""

from __future__ import annotations

import asyncio
import os
import random
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


DELAY_S = float(os.environ.get("TRIAGE_BENCH_HANDLER_DELAY_S", "0"))
_in_flight: set[str] = set()


async def handle(raw: RawTicket) -> Sequence[Envelope]:
    text = raw.text
    if DELAY_S:
        if raw.ticket_id in _in_flight:
            text += " overlap"
        _in_flight.add(raw.ticket_id)
        try:
            await asyncio.sleep(random.uniform(0, DELAY_S))
        finally:
            _in_flight.discard(raw.ticket_id)
    result = GuardResult(verdict="pass", score=0.0, findings=[], redacted_text=text, pii=[])
    return [guard_event(raw, result, settings.producer_id)]


Stage(name="bench-nullstage", app=app, source=topics.RAW, handler=handle, settings=settings)

if __name__ == "__main__":
    sys.argv[1:] = ["worker"]
    run_worker(app, settings)
