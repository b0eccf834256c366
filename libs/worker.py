"""Process entry for faust services: logging, tracing, metrics, lag, then the worker."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import faust

from libs.lag import monitor_app_lag
from libs.logs import setup_logging
from libs.metrics import serve_metrics
from libs.settings import ServiceSettings
from libs.tracing import setup_tracing


class _JsonLogWorker(faust.Worker):
    """mode's worker replaces the root log handlers when it starts: put the JSON one back.

    Its terminal spinner is turned off too: it writes cursor escape codes to stdout,
    which would break the one-JSON-object-a-line log stream.
    """

    def __init__(self, app: faust.App, settings: ServiceSettings) -> None:
        self._triage_settings = settings
        super().__init__(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
        self.spinner = None

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        setup_logging(self._triage_settings.service_name, self._triage_settings.log_level)


def exit_quietly_until_started() -> None:
    """Make SIGTERM before the worker runs an orderly exit (status 0), not a kill.

    Building a stage can take seconds (the agent and the guard train or load their
    models), and a pod stopped meanwhile has consumed nothing, so there is nothing
    to drain. Call it before importing the app module; the worker's own handlers
    replace this one once it starts.
    """

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def run_worker(app: faust.App, settings: ServiceSettings) -> None:
    """Run until SIGTERM/SIGINT; faust drains the stages and commits on the way out."""
    setup_logging(settings.service_name, settings.log_level)
    setup_tracing(settings.service_name, settings)
    serve_metrics(settings.metrics_port)
    if settings.consumer_lag_interval_s > 0:
        monitor_app_lag(app, settings, settings.consumer_lag_interval_s)
    _JsonLogWorker(app, settings).execute_from_commandline()
