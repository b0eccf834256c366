"""``python -m bench.agent_double``: the agent stage with an LLM of fixed latency.

The real agent handler (output guard, envelope, metrics) around the local
triager, delayed by ``TRIAGE_BENCH_LLM_LATENCY_S`` as if a remote model
answered after that long. Used while no fake Messages API server is available
to drive the Claude triager.
"""

from __future__ import annotations

import asyncio
import os
import sys

from libs import topics
from libs.kafka import faust_app
from libs.stage import Stage
from libs.worker import run_worker
from schemas import GuardedTicket
from services.agent.handler import make_handler
from services.agent.output_guard import OutputPolicy
from services.agent.settings import AgentSettings
from services.agent.triager import TriageOutcome, Triager, build_triager


class DelayedTriager:
    """Answers like ``inner`` after ``latency_s`` (an LLM call's wall time, no CPU)."""

    def __init__(self, inner: Triager, latency_s: float) -> None:
        self.inner = inner
        self.latency_s = latency_s

    async def triage(self, ticket: GuardedTicket) -> TriageOutcome:
        await asyncio.sleep(self.latency_s)
        return await self.inner.triage(ticket)


settings = AgentSettings()
app = faust_app("agent", settings)
triager = DelayedTriager(
    build_triager(settings), float(os.environ.get("TRIAGE_BENCH_LLM_LATENCY_S", "0.5"))
)
Stage(
    name="agent",
    app=app,
    source=topics.GUARDED,
    handler=make_handler(triager, OutputPolicy.from_settings(settings), settings.producer_id),
    settings=settings,
)

if __name__ == "__main__":
    sys.argv[1:] = ["worker"]
    run_worker(app, settings)
