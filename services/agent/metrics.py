"""Agent metrics (``triage_agent_`` prefix); the generic stage metrics live in libs.metrics."""

from __future__ import annotations

from prometheus_client import Counter

TRIAGED = Counter(
    "triage_agent_triaged", "Tickets triaged, by category and triager", ["category", "source"]
)
REVIEW = Counter(
    "triage_agent_review", "Output-guard reasons that sent a ticket to a human", ["reason"]
)
REPAIRS = Counter(
    "triage_agent_output_repairs", "Drafts the output guard repaired in place", ["kind"]
)
