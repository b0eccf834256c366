"""JSON log lines, span helpers (tickets, GenAI LLM spans, the JSON-lines exporter), lag."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from libs import tracing
from libs.lag import compute_lag
from libs.logs import REDACTED, json_handler, log_fields
from libs.settings import TelemetrySettings


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Spans finished by the process's provider during the test."""
    tracing.setup_tracing("unit-test", TelemetrySettings())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    yield exporter
    processor.shutdown()


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    logger = logging.getLogger("test.json_logs")
    logger.handlers[:] = [json_handler("svc", stream)]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.handlers.clear()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_log_line_carries_event_ticket_and_trace_of_the_current_span(
    log: tuple[logging.Logger, io.StringIO], spans: InMemorySpanExporter
) -> None:
    logger, stream = log
    with tracing.consumer_span("guard", "tickets.raw.v1", None, key=b"T-1") as span:
        logger.info("handled", extra=log_fields("ticket_handled", verdict="allow"))
        ctx = span.get_span_context()
    (line,) = lines(stream)
    assert line["event"] == "ticket_handled"
    assert line["ticket_id"] == "T-1"
    assert line["trace_id"] == format(ctx.trace_id, "032x")
    assert line["span_id"] == format(ctx.span_id, "016x")
    assert line["service"] == "svc" and line["level"] == "INFO" and line["verdict"] == "allow"


def test_log_line_outside_a_span_has_no_trace_and_event_defaults_to_the_message(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    logger.warning("redis not ready")
    (line,) = lines(stream)
    assert line["event"] == "redis not ready"
    assert "trace_id" not in line and "ticket_id" not in line


def test_explicit_ticket_id_wins_over_the_span_tag(
    log: tuple[logging.Logger, io.StringIO], spans: InMemorySpanExporter
) -> None:
    logger, stream = log
    with tracing.consumer_span("guard", "t", None, key=b"from-span"):
        logger.info("x", extra=log_fields("x", ticket_id="explicit"))
    assert lines(stream)[0]["ticket_id"] == "explicit"


def test_exceptions_are_logged_with_exc_info(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        raise ValueError("bad input")
    except ValueError:
        logger.exception("failed", extra=log_fields("handler_failed"))
    (line,) = lines(stream)
    assert line["event"] == "handler_failed" and line["level"] == "ERROR"
    assert "ValueError: bad input" in line["exc_info"]


def test_sensitive_extra_fields_are_masked(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info(
        "oops",
        extra=log_fields("oops", player_id="p-4711", token="demo-token", tenant="starfall"),
    )
    text = stream.getvalue()
    assert "p-4711" not in text and "demo-token" not in text
    (line,) = lines(stream)
    assert line["player_id"] == line["token"] == REDACTED
    assert line["tenant"] == "starfall"


def test_consumer_span_is_a_child_of_the_producer_trace(spans: InMemorySpanExporter) -> None:
    traceparent = b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tracing.consumer_span(
        "agent", "tickets.guarded.v1", [("traceparent", traceparent)], key=b"T-9", partition=3
    ):
        headers = dict(tracing.inject())
    (span,) = spans.get_finished_spans()
    assert format(span.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert span.parent is not None and format(span.parent.span_id, "016x") == "b7ad6b7169203331"
    assert span.kind is trace.SpanKind.CONSUMER
    assert span.attributes is not None
    assert span.attributes[tracing.TICKET_ATTRIBUTE] == "T-9"
    assert span.attributes["messaging.destination.partition.id"] == "3"
    # What the stage injects into its outputs continues the same trace from this span.
    assert headers["traceparent"].decode().split("-")[1:3] == [
        "0af7651916cd43dd8448eb211c80319c",
        format(span.context.span_id, "016x"),
    ]


def test_resumed_span_joins_the_saved_trace_and_links_the_request(
    spans: InMemorySpanExporter,
) -> None:
    saved = [("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    tracer = trace.get_tracer("test")
    with (
        tracer.start_as_current_span("POST /v1/pending/x/approve") as request,
        tracing.resumed_span("approval decide", saved, ticket_id="T-3"),
    ):
        resumed_headers = dict(tracing.inject())
    resumed = next(s for s in spans.get_finished_spans() if s.name == "approval decide")
    assert format(resumed.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert [link.context.span_id for link in resumed.links] == [request.get_span_context().span_id]
    assert (resumed.attributes or {})[tracing.TICKET_ATTRIBUTE] == "T-3"
    assert b"0af7651916cd43dd8448eb211c80319c" in resumed_headers["traceparent"]


def test_llm_span_follows_the_genai_conventions(spans: InMemorySpanExporter) -> None:
    with tracing.llm_span(
        provider="anthropic", model="claude-x", max_tokens=512, temperature=0.0
    ) as span:
        tracing.record_llm_response(
            span,
            input_tokens=120,
            output_tokens=40,
            response_model="claude-x-2026",
            response_id="msg_1",
            finish_reasons=["end_turn"],
        )
    (done,) = spans.get_finished_spans()
    assert done.name == "chat claude-x" and done.kind is trace.SpanKind.CLIENT
    assert dict(done.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-x",
        "gen_ai.request.max_tokens": 512,
        "gen_ai.request.temperature": 0.0,
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 40,
        "gen_ai.response.model": "claude-x-2026",
        "gen_ai.response.id": "msg_1",
        "gen_ai.response.finish_reasons": ("end_turn",),
    }


def test_failed_llm_call_sets_error_type_and_status(spans: InMemorySpanExporter) -> None:
    with pytest.raises(TimeoutError), tracing.llm_span(provider="anthropic", model="claude-x"):
        raise TimeoutError("slow")
    (done,) = spans.get_finished_spans()
    assert (done.attributes or {})["error.type"] == "TimeoutError"
    assert done.status.status_code is trace.StatusCode.ERROR


def test_trace_file_gets_one_json_line_per_span(tmp_path: Path) -> None:
    path = tmp_path / "spans.jsonl"
    provider = tracing.build_provider("svc", TelemetrySettings(trace_file=str(path)))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
        pass
    provider.shutdown()
    inner, outer = [json.loads(line) for line in path.read_text().splitlines()]
    assert (inner["name"], outer["name"]) == ("inner", "outer")
    assert inner["service"] == "svc" and inner["trace_id"] == outer["trace_id"]
    assert inner["parent_span_id"] == outer["span_id"] and outer["parent_span_id"] is None
    assert len(inner["trace_id"]) == 32 and inner["end_ns"] >= inner["start_ns"]


@pytest.mark.parametrize(
    "endpoint",
    ["http://collector:4318", "http://collector:4318/", "http://collector:4318/v1/traces"],
)
def test_otlp_endpoint_may_be_the_collector_base_or_the_traces_url(endpoint: str) -> None:
    assert tracing.otlp_traces_url(endpoint) == "http://collector:4318/v1/traces"


def test_no_exporter_unless_configured() -> None:
    provider = tracing.build_provider("svc", TelemetrySettings())
    processors = provider._active_span_processor._span_processors
    assert processors == ()


def test_lag_is_end_minus_committed_or_log_start_when_never_committed() -> None:
    a, b, c = ("t", 0), ("t", 1), ("t", 2)
    lags = compute_lag(
        [a, b, c],
        committed={a: 40, b: -1},
        start={a: 0, b: 10, c: 5},
        end={a: 50, b: 25, c: 5},
    )
    assert lags == {a: 10, b: 15, c: 0}


def test_lag_never_negative_when_the_end_offset_is_stale() -> None:
    assert compute_lag([("t", 0)], {("t", 0): 12}, {}, {("t", 0): 10}) == {("t", 0): 0}
