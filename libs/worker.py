"""Process entry for faust services: logging, tracing, metrics, then the worker."""

from __future__ import annotations

import faust

from libs.logs import setup_logging
from libs.metrics import serve_metrics
from libs.settings import ServiceSettings
from libs.tracing import setup_tracing


def run_worker(app: faust.App, settings: ServiceSettings) -> None:
    """Run until SIGTERM/SIGINT; faust drains the stages and commits on the way out."""
    setup_logging(settings.service_name, settings.log_level)
    setup_tracing(settings.service_name)
    serve_metrics(settings.metrics_port)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
