"""Ingest metrics (prefix ``triage_ingest_``) and the server span of each request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import Request
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram

from libs.http import ApiError

REQUESTS = Counter(
    "triage_ingest_requests",
    "HTTP requests by route and outcome (accepted/duplicate or the error code)",
    ["route", "outcome"],
)
TICKETS = Counter("triage_ingest_tickets", "Tickets by outcome, batch items included", ["outcome"])
LATENCY = Histogram(
    "triage_ingest_request_latency_seconds",
    "Time to answer a request, the broker's acknowledgement included",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


@dataclass
class Observation:
    """What the handler reports about a successful request."""

    outcome: str = "accepted"


@contextmanager
def observed(route: str, request: Request) -> Iterator[Observation]:
    """A server span (child of the caller's ``traceparent``), outcome count and latency.

    Client errors (4xx) are outcomes, not span errors; 5xx mark the span failed.
    """
    started = time.perf_counter()
    observation = Observation()
    status = 202
    with trace.get_tracer("triage").start_as_current_span(
        f"POST {route}",
        context=propagate.extract(request.headers),
        kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "http.route": route},
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield observation
        except ApiError as exc:
            status, observation.outcome = exc.status, exc.code
            raise
        except Exception as exc:
            status, observation.outcome = 500, "internal"
            span.record_exception(exc)
            raise
        finally:
            span.set_attribute("http.response.status_code", status)
            if status >= 500:
                span.set_status(Status(StatusCode.ERROR, observation.outcome))
            REQUESTS.labels(route, observation.outcome).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)
