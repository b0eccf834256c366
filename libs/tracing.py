"""OpenTelemetry: one trace per ticket, carried in Kafka headers as ``traceparent``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind

Headers = Sequence[tuple[str, bytes]]


def setup_tracing(service: str) -> None:
    """Install an SDK provider so trace context exists and propagates.

    Exporters are added by the caller (OTLP in deployments, in-memory in tests).
    """
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    trace.set_tracer_provider(TracerProvider(resource=Resource.create({"service.name": service})))


def extract(headers: Headers | None) -> context.Context:
    carrier = {
        k: v.decode("latin-1") for k, v in headers or () if k in ("traceparent", "tracestate")
    }
    return propagate.extract(carrier)


def inject() -> list[tuple[str, bytes]]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(k, v.encode("latin-1")) for k, v in carrier.items()]


@contextmanager
def consumer_span(stage: str, topic: str, headers: Headers | None) -> Iterator[Span]:
    """A span for handling one message, child of the producer's trace."""
    tracer = trace.get_tracer("triage")
    with tracer.start_as_current_span(
        f"{stage} process {topic}",
        context=extract(headers),
        kind=SpanKind.CONSUMER,
        attributes={"messaging.system": "kafka", "messaging.destination.name": topic},
    ) as span:
        yield span
