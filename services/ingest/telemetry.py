"""Ingest metrics (prefix ``triage_ingest_``) and the server span of each request."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from opentelemetry import context, propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram

from libs import tracing
from libs.http import ApiError
from libs.logs import log_fields
from services.ingest.ingestor import Outcome

logger = logging.getLogger(__name__)

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


#: Looked up once: ``get_tracer`` builds a new tracer on every call.
_TRACER = trace.get_tracer("triage")
#: Request headers that carry the caller's trace context (W3C trace context and baggage).
_PROPAGATED = frozenset({b"traceparent", b"tracestate", b"baggage"})


def caller_context(headers: Iterable[tuple[bytes, bytes]]) -> Context:
    """The caller's trace context from raw ASGI headers (empty: the request starts a trace)."""
    carrier = {k.decode(): v.decode("latin-1") for k, v in headers if k in _PROPAGATED}
    return propagate.extract(carrier)


@contextmanager
def observed(route: str, headers: Iterable[tuple[bytes, bytes]]) -> Iterator[Observation]:
    """A server span (child of the caller's ``traceparent``), outcome count and latency.

    The span is recorded only when an exporter takes spans (``libs.tracing.carried_span``).

    Client errors (4xx) are outcomes, not span errors; 5xx mark the span failed.
    """
    started = time.perf_counter()
    observation = Observation()
    status = 202
    # With no exporter, a non-recording span carries the trace (ids for records and logs).
    # Otherwise start_span and attach by hand: start_as_current_span's layered context
    # managers cost more than the span itself on this path.
    parent = caller_context(headers)
    span = tracing.carried_span(parent) or _TRACER.start_span(
        f"POST {route}",
        context=parent,
        kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "http.route": route},
    )
    token = context.attach(trace.set_span_in_context(span, parent))
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
        context.detach(token)
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR, observation.outcome))
        span.end()
        REQUESTS.labels(route, observation.outcome).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)


def settled(outcomes: Iterable[Outcome]) -> None:
    """Count and log each ticket's outcome, inside the request's span (logs carry its trace)."""
    log = logger.isEnabledFor(logging.INFO)
    for outcome in outcomes:
        TICKETS.labels(outcome.label).inc()
        if log:
            logger.info(
                f"ticket {outcome.label}",
                extra=log_fields(
                    f"ticket_{outcome.label}",
                    ticket_id=outcome.ticket_id,
                    event_id=str(outcome.event_id),
                ),
            )
