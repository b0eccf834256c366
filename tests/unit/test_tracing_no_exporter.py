"""Consumer spans when no exporter is configured: nothing is recorded, the trace still flows.

(With an exporter the span is recorded: ``test_logs_telemetry.py`` adds one to the
provider ``setup_tracing`` built and checks the finished consumer span.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace

from libs import tracing
from libs.settings import TelemetrySettings

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_SPAN_ID = "b7ad6b7169203331"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[trace.TracerProvider]:
    """A provider as ``setup_tracing`` builds it without exporters, made the current one.

    The process-wide provider can be set only once, so the lookup is pointed at this one.
    """
    built = tracing.build_provider("svc", TelemetrySettings())
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: built)
    yield built
    built.shutdown()


def traceparent(flags: str) -> list[tuple[str, bytes]]:
    return [("traceparent", f"00-{TRACE_ID}-{PARENT_SPAN_ID}-{flags}".encode())]


def injected_in(headers: list[tuple[str, bytes]] | None) -> tuple[list[str], bool]:
    """The traceparent fields a stage would put on its outputs, and whether its span records."""
    with tracing.consumer_span("guard", "tickets.raw.v1", headers) as span:
        out = dict(tracing.inject())
        recording = span.is_recording()
    return out["traceparent"].decode().split("-"), recording


@pytest.mark.parametrize("flags", ["01", "00"])
def test_outputs_continue_the_producers_trace_with_a_new_span_id(
    provider: trace.TracerProvider, flags: str
) -> None:
    (_, trace_id, span_id, out_flags), recording = injected_in(traceparent(flags))
    assert (trace_id, out_flags) == (TRACE_ID, flags)  # same trace, sampling decision kept
    assert span_id != PARENT_SPAN_ID and int(span_id, 16) != 0
    assert not recording


def test_a_message_without_trace_context_starts_a_sampled_trace(
    provider: trace.TracerProvider,
) -> None:
    (_, trace_id, span_id, flags), _ = injected_in(None)
    assert int(trace_id, 16) != 0 and int(span_id, 16) != 0
    assert flags == "01"


def test_the_span_is_current_only_inside_the_block(provider: trace.TracerProvider) -> None:
    with tracing.consumer_span("guard", "t", traceparent("01")) as span:
        assert trace.get_current_span() is span
    assert not trace.get_current_span().get_span_context().is_valid
