"""OpenTelemetry: one trace per ticket, carried in Kafka headers as ``traceparent``.

Each process installs one SDK provider (:func:`setup_tracing`) whose exporters
come from the telemetry settings: OTLP/HTTP for a collector, and a JSON-lines
file that tests read to follow a ticket across processes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
)

from libs.settings import TelemetrySettings

Headers = Sequence[tuple[str, bytes]]

#: A proxy that binds to the provider once one is installed; looked up once, not per message.
_TRACER = trace.get_tracer("triage")

#: Span attribute holding the ticket a span works on; JSON logs copy it as ``ticket_id``.
TICKET_ATTRIBUTE = "triage.ticket_id"
OTLP_TRACES_PATH = "/v1/traces"


def _hex(value: int | None, width: int) -> str | None:
    return None if value is None else format(value, f"0{width}x")


def span_record(span: ReadableSpan) -> dict[str, Any]:
    """One finished span as a flat JSON-able dict (ids in the W3C hex form)."""
    ctx = span.get_span_context()
    return {
        "service": span.resource.attributes.get("service.name"),
        "name": span.name,
        "kind": span.kind.name,
        "trace_id": _hex(ctx.trace_id if ctx else None, 32),
        "span_id": _hex(ctx.span_id if ctx else None, 16),
        "parent_span_id": _hex(span.parent.span_id if span.parent else None, 16),
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "status": span.status.status_code.name,
        "attributes": dict(span.attributes or {}),
    }


class JsonLinesSpanExporter(SpanExporter):
    """Appends each span as one JSON line; several processes may share the file.

    Each line is written with a single ``write`` on an ``O_APPEND`` descriptor,
    so lines of concurrent processes do not interleave.
    """

    def __init__(self, path: str | Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        for span in spans:
            line = json.dumps(span_record(span), default=str) + "\n"
            os.write(self._fd, line.encode())
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        os.close(self._fd)


def otlp_traces_url(endpoint: str) -> str:
    """The collector's base URL or full traces URL -> the full OTLP/HTTP traces URL."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith(OTLP_TRACES_PATH) else endpoint + OTLP_TRACES_PATH


class _Provider(TracerProvider):
    """The SDK provider, knowing whether any processor (so any exporter) receives its spans."""

    exporting = False

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        self.exporting = True
        super().add_span_processor(span_processor)


def _spans_go_nowhere() -> bool:
    provider = trace.get_tracer_provider()
    return isinstance(provider, _Provider) and not provider.exporting


_IDS = RandomIdGenerator()


def build_provider(service: str, settings: TelemetrySettings) -> TracerProvider:
    """A provider with the exporters the settings ask for (none: context still propagates)."""
    provider = _Provider(resource=Resource.create({"service.name": service}))
    if settings.otlp_endpoint:
        # Imported here: protobuf and requests load only in processes that export.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=otlp_traces_url(settings.otlp_endpoint))
        provider.add_span_processor(BatchSpanProcessor(exporter))
    if settings.trace_file:
        # Synchronous, so a span is on disk even if the process is killed right after.
        provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(settings.trace_file)))
    return provider


def setup_tracing(service: str, settings: TelemetrySettings | None = None) -> None:
    """Install the process's provider once; settings default to the environment's."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    trace.set_tracer_provider(build_provider(service, settings or TelemetrySettings()))


def extract(headers: Headers | None) -> context.Context:
    carrier = {
        k: v.decode("latin-1") for k, v in headers or () if k in ("traceparent", "tracestate")
    }
    return propagate.extract(carrier)


def inject() -> list[tuple[str, bytes]]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(k, v.encode("latin-1")) for k, v in carrier.items()]


def tag_ticket(ticket_id: str, span: Span | None = None) -> None:
    """Mark the (current) span as working on ``ticket_id``: searchable, and copied into logs."""
    (span or trace.get_current_span()).set_attribute(TICKET_ATTRIBUTE, ticket_id)


def current_ticket() -> str | None:
    """The ticket id tagged on the current span, if any."""
    attributes = getattr(trace.get_current_span(), "attributes", None) or {}
    value = attributes.get(TICKET_ATTRIBUTE)
    return value if isinstance(value, str) else None


@contextmanager
def consumer_span(
    stage: str,
    topic: str,
    headers: Headers | None,
    *,
    key: bytes | None = None,
    partition: int | None = None,
    offset: int | None = None,
) -> Iterator[Span]:
    """A span for handling one message, child of the producer's trace.

    Records are keyed by ticket id, so a given ``key`` also tags the span with the ticket.
    """
    parent = extract(headers)
    if _spans_go_nowhere():
        # No exporter: recording a span (~30 us, more than a no-op stage's handler) would
        # only throw it away. Carry the trace on instead: same trace id and flags, a new
        # span id, so outputs and logs still belong to the ticket's one trace.
        span: Span = NonRecordingSpan(_child_context(parent))
        token = context.attach(trace.set_span_in_context(span, parent))
        try:
            yield span
        finally:
            context.detach(token)
        return
    attributes: dict[str, str | int] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": topic,
        "triage.stage": stage,
    }
    if partition is not None:
        attributes["messaging.destination.partition.id"] = str(partition)
    if offset is not None:
        attributes["messaging.kafka.offset"] = offset
    if key is not None:
        ticket = key.decode("utf-8", "replace")
        attributes["messaging.kafka.message.key"] = ticket
        attributes[TICKET_ATTRIBUTE] = ticket
    with _TRACER.start_as_current_span(
        f"{stage} process {topic}",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes=attributes,
    ) as span:
        yield span


def _child_context(parent: context.Context) -> SpanContext:
    """A child span context of ``parent``'s span (a new sampled trace if there is none)."""
    remote = trace.get_current_span(parent).get_span_context()
    if not remote.is_valid:
        return SpanContext(
            _IDS.generate_trace_id(),
            _IDS.generate_span_id(),
            is_remote=False,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )
    return SpanContext(
        remote.trace_id,
        _IDS.generate_span_id(),
        is_remote=False,
        trace_flags=remote.trace_flags,
        trace_state=remote.trace_state,
    )


def carried_span(parent: context.Context) -> Span | None:
    """A non-recording child of ``parent``'s span when no exporter takes spans, else None.

    For hot paths that start their own span (ingest's request span): with nothing
    exporting, recording one would only throw it away; this one carries the trace on.
    """
    return NonRecordingSpan(_child_context(parent)) if _spans_go_nowhere() else None


@contextmanager
def resumed_span(
    name: str, headers: Headers | None, ticket_id: str | None = None
) -> Iterator[Span]:
    """A span continuing a ticket's trace saved earlier as headers (e.g. with a pending item).

    Used where work for a ticket resumes outside a Kafka consumer, such as a human
    decision arriving over HTTP: the span joins the ticket's trace, and links to
    the current span (the request) so both stay navigable.
    """
    current = trace.get_current_span().get_span_context()
    links = [Link(current)] if current.is_valid else []
    tracer = trace.get_tracer("triage")
    with tracer.start_as_current_span(
        name, context=extract(headers), kind=SpanKind.INTERNAL, links=links
    ) as span:
        if ticket_id is not None:
            tag_ticket(ticket_id, span)
        yield span


# --- LLM calls: OpenTelemetry GenAI semantic conventions ---


@contextmanager
def llm_span(
    *,
    provider: str,
    model: str,
    operation: str = "chat",
    max_tokens: int | None = None,
    temperature: float | None = None,
) -> Iterator[Span]:
    """A CLIENT span ``"{operation} {model}"`` for one LLM request (one per retry attempt).

    Record the answer with :func:`record_llm_response`. A raised exception sets
    ``error.type`` and an error status, as the conventions ask.
    """
    attributes: dict[str, str | int | float] = {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": provider,
        "gen_ai.request.model": model,
    }
    if max_tokens is not None:
        attributes["gen_ai.request.max_tokens"] = max_tokens
    if temperature is not None:
        attributes["gen_ai.request.temperature"] = temperature
    with _TRACER.start_as_current_span(
        f"{operation} {model}",
        kind=SpanKind.CLIENT,
        attributes=attributes,
        record_exception=True,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except Exception as exc:
            span.set_attribute("error.type", type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__qualname__))
            raise


def record_llm_response(
    span: Span,
    *,
    input_tokens: int,
    output_tokens: int,
    response_model: str | None = None,
    response_id: str | None = None,
    finish_reasons: Sequence[str] = (),
) -> None:
    """The usage and identity of an LLM answer, as GenAI ``gen_ai.response/usage.*`` attributes."""
    span.set_attribute("gen_ai.usage.input_tokens", input_tokens)
    span.set_attribute("gen_ai.usage.output_tokens", output_tokens)
    if response_model:
        span.set_attribute("gen_ai.response.model", response_model)
    if response_id:
        span.set_attribute("gen_ai.response.id", response_id)
    if finish_reasons:
        span.set_attribute("gen_ai.response.finish_reasons", list(finish_reasons))
