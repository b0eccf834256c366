"""JSON logs: one object a line with ``event``, ``ticket_id`` and trace ids when known.

The trace and span ids come from the current OpenTelemetry span and the ticket
id from the span's ``triage.ticket_id`` tag (:func:`libs.tracing.tag_ticket`),
so code inside a traced stage gets them without passing them around. As a
safety net, ``extra`` fields whose names say they hold a secret or a raw player
id are masked: those values must never reach a log line.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from libs.tracing import current_ticket

REDACTED = "[redacted]"
#: ``extra`` names that are masked whatever their value.
SENSITIVE_FIELDS = frozenset(
    {"player_id", "token", "secret", "password", "authorization", "api_key", "signature"}
)


class _ContextFilter(logging.Filter):
    """Adds trace/span/ticket ids and ``event``; masks sensitive ``extra`` fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            record.trace_id = format(ctx.trace_id, "032x")
            record.span_id = format(ctx.span_id, "016x")
        if not hasattr(record, "ticket_id"):
            ticket = current_ticket()
            if ticket is not None:
                record.ticket_id = ticket
        if not hasattr(record, "event"):
            record.event = record.getMessage()
        for name in SENSITIVE_FIELDS.intersection(record.__dict__):
            setattr(record, name, REDACTED)
        return True


def json_handler(service: str, stream: Any = None) -> logging.Handler:
    """A handler writing this project's JSON log lines (stderr unless ``stream`` is given)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "asctime": "ts"},
            static_fields={"service": service},
            timestamp=False,
        )
    )
    handler.addFilter(_ContextFilter())
    return handler


def setup_logging(service: str, level: str = "INFO") -> None:
    root = logging.getLogger()
    root.handlers[:] = [json_handler(service)]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "faust", "mode", "httpx", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def log_fields(event: str, **fields: Any) -> dict[str, Any]:
    """``extra=`` for a structured log line: ``logger.info("...", extra=log_fields(...))``."""
    return {"event": event, **fields}
