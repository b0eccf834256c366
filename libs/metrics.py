"""Prometheus metrics shared by every stage (prefix ``triage_``).

Service-specific metrics live with their service; these are the ones every
stage reports the same way so dashboards can be generic.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

EVENTS_IN = Counter("triage_events_in", "Events consumed by a stage", ["stage", "topic"])
EVENTS_OUT = Counter("triage_events_out", "Events produced by a stage", ["stage", "topic"])
EVENTS_FAILED = Counter(
    "triage_events_failed", "Events a stage could not handle", ["stage", "reason"]
)
DLQ = Counter("triage_dlq", "Records written to a DLQ", ["stage", "topic"])
DUPLICATES = Counter(
    "triage_duplicates", "Redelivered effects skipped by an idempotency marker", ["stage"]
)
STAGE_LATENCY = Histogram(
    "triage_stage_latency_seconds",
    "Time from consuming an event to its outputs being acknowledged",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def serve_metrics(port: int) -> None:
    """Expose /metrics for a worker process (0 disables)."""
    if port:
        start_http_server(port, addr="0.0.0.0")
