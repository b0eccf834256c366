"""Ingest's request span continues the caller's trace; outcomes are counted per route."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from libs import tracing
from libs.http import ApiError
from libs.settings import TelemetrySettings
from services.ingest import telemetry

TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
CALLER = f"00-{TRACE_ID:032x}-00f067aa0ba902b7-01"


class Collected(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans += spans
        return SpanExportResult.SUCCESS


@pytest.fixture(params=["no exporter", "exporter"])
def exported(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Collected | None]:
    """A provider as ``setup_tracing`` builds it, with or without an exporter, made current.

    The process-wide provider can be set only once, so the lookups are pointed at this one.
    """
    built = tracing.build_provider("ingest", TelemetrySettings())
    collected = None
    if request.param == "exporter":
        collected = Collected()
        built.add_span_processor(SimpleSpanProcessor(collected))
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: built)
    monkeypatch.setattr(telemetry, "_TRACER", built.get_tracer("triage"))
    yield collected
    built.shutdown()


def _count(route: str, outcome: str) -> float:
    return telemetry.REQUESTS.labels(route, outcome)._value.get()


def test_the_request_span_continues_the_callers_trace_and_records_carry_it(
    exported: Collected | None,
) -> None:
    with telemetry.observed("/t", [(b"traceparent", CALLER.encode())]):
        ctx = trace.get_current_span().get_span_context()
        headers = dict(tracing.inject())

    if exported is not None:  # recorded only when something takes spans
        [span] = exported.spans
        assert (span.name, span.kind) == ("POST /t", trace.SpanKind.SERVER)
        assert span.context is not None and span.context.span_id == ctx.span_id
        assert span.parent is not None and span.parent.span_id == 0x00F067AA0BA902B7
    assert ctx.trace_id == TRACE_ID
    assert ctx.span_id != 0x00F067AA0BA902B7
    assert headers["traceparent"].decode().startswith(f"00-{TRACE_ID:032x}-{ctx.span_id:016x}")
    assert not trace.get_current_span().get_span_context().is_valid  # detached after


def test_without_a_caller_the_request_starts_a_trace(exported: Collected | None) -> None:
    with telemetry.observed("/t", [(b"content-type", b"application/json")]):
        ctx = trace.get_current_span().get_span_context()
    assert ctx.is_valid and ctx.trace_id != TRACE_ID


def test_outcomes_are_counted_and_api_errors_pass_through() -> None:
    before_ok, before_err = _count("/c", "accepted"), _count("/c", "rate_limited")
    with telemetry.observed("/c", []):
        pass
    with pytest.raises(ApiError), telemetry.observed("/c", []):
        raise ApiError(429, "rate_limited", "slow down")

    assert _count("/c", "accepted") == before_ok + 1
    assert _count("/c", "rate_limited") == before_err + 1
