"""The whole pipeline as separate processes on one machine (``make run``, e2e tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from libs.devstack.stack import StackError, free_port

#: name -> ``python -m`` arguments
SERVICES: dict[str, list[str]] = {
    "ingest": ["services.ingest"],
    "guard": ["services.guard"],
    "agent": ["services.agent"],
    "approval": ["services.approval"],
    "approval-api": ["services.approval", "api"],
    "notifier": ["services.notifier"],
}
#: The stream workers: each serves metrics on its own port (the HTTP services on theirs).
WORKERS = ("guard", "agent", "approval", "notifier")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Endpoints:
    """Where the local pipeline listens; every port is a free loopback port."""

    ingest_port: int = field(default_factory=free_port)
    approval_api_port: int = field(default_factory=free_port)
    sink_port: int = field(default_factory=free_port)
    metrics_ports: dict[str, int] = field(
        default_factory=lambda: {name: free_port() for name in WORKERS}
    )

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ingest_port}"

    @property
    def approval_api_url(self) -> str:
        return f"http://127.0.0.1:{self.approval_api_port}"

    @property
    def sink_url(self) -> str:
        return f"http://127.0.0.1:{self.sink_port}"

    def env(self, name: str) -> dict[str, str]:
        env = {
            "TRIAGE_INGEST_PORT": str(self.ingest_port),
            "TRIAGE_APPROVAL_API_PORT": str(self.approval_api_port),
            "TRIAGE_APPROVAL_PUBLIC_URL": self.approval_api_url,
            "TRIAGE_TOOLS_BASE_URL": f"{self.sink_url}/tools",
            "TRIAGE_NOTIFY_WEBHOOK_URL": f"{self.sink_url}/webhook",
            "TRIAGE_NOTIFY_WEBHOOK_SECRET": "dev-webhook-secret",
            # the sink stands in for the Telegram Bot API and Slack Web API too
            "TRIAGE_TELEGRAM_BOT_TOKEN": "dev-bot-token",
            "TRIAGE_TELEGRAM_API_URL": f"{self.sink_url}/telegram",
            "TRIAGE_NOTIFY_TELEGRAM_CHAT_ID": "-1000000000001",
            "TRIAGE_TELEGRAM_WEBHOOK_SECRET": "dev-telegram-secret",
            "TRIAGE_TELEGRAM_APPROVERS": '{"1000001": "demo"}',
            "TRIAGE_SLACK_BOT_TOKEN": "dev-slack-bot-token",
            "TRIAGE_SLACK_API_URL": f"{self.sink_url}/slack",
            "TRIAGE_NOTIFY_SLACK_CHANNEL": "C0DEVAPPROVALS",
            "TRIAGE_SLACK_SIGNING_SECRET": "dev-slack-signing-secret",
            "TRIAGE_SLACK_APPROVERS": '{"U0DEVLEAD": "demo"}',
            "TRIAGE_APPROVAL_SIGNING_SECRET": "dev-approval-signing-secret",
        }
        if name in self.metrics_ports:
            env["TRIAGE_METRICS_PORT"] = str(self.metrics_ports[name])
        return env


def _answers_ok(url: str) -> bool:
    """True once ``url`` answers 200; a refused connection just means "not yet"."""
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


class Pipeline:
    """Starts the sink and the services as child processes and stops them on exit."""

    def __init__(self, stack_env: dict[str, str], logdir: Path, endpoints: Endpoints) -> None:
        self.stack_env = stack_env
        self.logdir = logdir
        self.endpoints = endpoints
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._extra_env: dict[str, str] = {}

    def _spawn(self, name: str, args: list[str], extra: dict[str, str]) -> None:
        env = {**os.environ, **self.stack_env, **self.endpoints.env(name), **extra}
        env["PYTHONPATH"] = str(ROOT)
        env["PYTHONUNBUFFERED"] = "1"
        with (self.logdir / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen(
                [sys.executable, *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )

    def start(self, extra_env: dict[str, str] | None = None) -> None:
        self.logdir.mkdir(parents=True, exist_ok=True)
        self._extra_env = dict(extra_env or {})
        self._spawn(
            "sink", ["-m", "libs.devstack", "sink", "--port", str(self.endpoints.sink_port)], {}
        )
        for name, module in SERVICES.items():
            self._spawn(name, ["-m", *module], self._extra_env)
        self.wait_http(f"{self.endpoints.sink_url}/healthz")
        self.wait_http(f"{self.endpoints.ingest_url}/readyz")
        self.wait_http(f"{self.endpoints.approval_api_url}/readyz")
        # A worker serves metrics once its stage is built (models trained or loaded), so
        # whoever starts the pipeline never signals a process that is still starting.
        for port in self.endpoints.metrics_ports.values():
            self.wait_http(f"http://127.0.0.1:{port}/metrics", timeout_s=120.0)

    def wait_http(self, url: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.check_alive()
            if _answers_ok(url):
                return
            time.sleep(0.2)
        raise StackError(f"{url} not ready after {timeout_s}s (logs in {self.logdir})")

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
        if dead:
            raise StackError(f"processes exited: {dead} (logs in {self.logdir})")

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL, timeout_s: float = 60.0) -> int:
        """Signal one service and wait for it to exit (SIGKILL after ``timeout_s``)."""
        proc = self.procs[name]
        proc.send_signal(sig)
        try:
            return proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def restart(self, name: str) -> None:
        """Start a service again (after :meth:`kill`) with the environment of :meth:`start`."""
        if self.procs[name].poll() is None:
            raise StackError(f"{name} is still running")
        self._spawn(name, ["-m", *SERVICES[name]], self._extra_env)

    def stop(self, timeout_s: float = 30.0) -> dict[str, int | None]:
        """SIGTERM everything (services drain and commit), then wait; SIGKILL stragglers."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        codes: dict[str, int | None] = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = proc.wait()
        return codes
