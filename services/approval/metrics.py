"""Approval metrics (prefix ``triage_approval_``)."""

from __future__ import annotations

from prometheus_client import Counter

DECISIONS = Counter(
    "triage_approval_decisions",
    "Decisions on proposed actions: by the policy (auto/approve/deny) or a human",
    ["channel", "outcome"],
)
PENDING_CREATED = Counter(
    "triage_approval_pending_created", "Pending items created for a human", ["kind"]
)
EXECUTED = Counter(
    "triage_approval_executed", "Actions dispatched to their tool, by result", ["tool", "status"]
)
SWEPT = Counter(
    "triage_approval_swept",
    "Pending items reminded, escalated or expired by the sweep",
    ["step"],
)
