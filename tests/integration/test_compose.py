"""docker-compose.yml for real: build the image, start everything, push one ticket through.

Skips (never fails) when no Docker engine or compose plugin is reachable; the
unit tests in tests/unit/test_deploy_compose.py check the file without Docker.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from libs import topics
from libs.devstack.stack import free_port
from libs.security import SIGNATURE_HEADER, sign
from libs.settings import TenantSettings
from tests.support.deploy import COMPOSE_FILE, ROOT
from tests.support.stack import consume

pytestmark = [pytest.mark.docker, pytest.mark.timeout(1800)]

#: Building the image installs every dependency; starting Kafka takes a while too.
UP_TIMEOUT_S = 1200.0
READY_TIMEOUT_S = 240.0


def docker_unavailable() -> str | None:
    """Why compose cannot run here, or None when it can."""
    if shutil.which("docker") is None:
        return "no docker CLI on PATH"
    for args, reason in (
        (["docker", "info"], "no Docker engine reachable (`docker info` failed)"),
        (["docker", "compose", "version"], "no `docker compose` plugin"),
    ):
        try:
            done = subprocess.run(args, capture_output=True, timeout=30, check=False)
        except subprocess.TimeoutExpired:
            return f"{reason}: timed out"
        if done.returncode != 0:
            return reason
    return None


@dataclass(frozen=True)
class Project:
    name: str
    env: dict[str, str]
    ingest_url: str
    approval_url: str
    kafka_bootstrap: str

    def compose(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["docker", "compose", "-p", self.name, "-f", str(COMPOSE_FILE), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )


def wait_ready(url: str, deadline: float) -> None:
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(url, timeout=3)
        except httpx.HTTPError as exc:
            last = repr(exc)
        else:
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text}"
        time.sleep(2)
    raise AssertionError(f"{url} not ready in time: {last}")


@pytest.fixture(scope="module")
def project() -> Iterator[Project]:
    reason = docker_unavailable()
    if reason:
        pytest.skip(reason)
    ports = {
        "INGEST_PUBLISH_PORT": free_port(),
        "APPROVAL_API_PUBLISH_PORT": free_port(),
        "KAFKA_PUBLISH_PORT": free_port(),
        "SINK_PUBLISH_PORT": free_port(),
    }
    env = dict(os.environ) | {k: str(v) for k, v in ports.items()}
    proj = Project(
        name=f"triage-test-{uuid.uuid4().hex[:8]}",
        env=env,
        ingest_url=f"http://127.0.0.1:{ports['INGEST_PUBLISH_PORT']}",
        approval_url=f"http://127.0.0.1:{ports['APPROVAL_API_PUBLISH_PORT']}",
        kafka_bootstrap=f"localhost:{ports['KAFKA_PUBLISH_PORT']}",
    )
    try:
        up = proj.compose("up", "-d", "--build", timeout=UP_TIMEOUT_S)
        assert up.returncode == 0, up.stderr.decode(errors="replace")[-4000:]
        deadline = time.monotonic() + READY_TIMEOUT_S
        wait_ready(f"{proj.ingest_url}/readyz", deadline)
        wait_ready(f"{proj.approval_url}/readyz", deadline)
        yield proj
    finally:
        logs = proj.compose("logs", "--no-color", "--tail", "50")
        print(logs.stdout.decode(errors="replace"))  # shown by pytest when the test failed
        proj.compose("down", "-v", "--remove-orphans", timeout=300)


def test_every_service_container_is_running(project: Project) -> None:
    listed = project.compose("ps", "--format", "json")
    assert listed.returncode == 0
    text = listed.stdout.decode().strip()
    # Older compose prints one JSON array, newer one object per line.
    rows = json.loads(text) if text.startswith("[") else [json.loads(x) for x in text.splitlines()]
    running = {c["Service"] for c in rows if c["State"] == "running"}
    assert {"ingest", "guard", "agent", "approval", "approval-api", "notifier"} <= running


async def test_a_signed_ticket_is_triaged(project: Project) -> None:
    secret = TenantSettings().secrets_for("starfall")[0]  # compose runs the dev defaults
    body = json.dumps(
        {
            "message_id": f"compose-{uuid.uuid4().hex}",
            "tenant": "starfall",
            "player_id": "p-4711",
            "text": "I bought 1200 gems twice and was charged two times!",
        }
    ).encode()
    async with httpx.AsyncClient(base_url=project.ingest_url, timeout=15) as client:
        answer = await client.post(
            "/v1/tickets",
            content=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)},
        )
    assert answer.status_code == 202, answer.text
    ticket_id = answer.json()["ticket_id"]
    found = await consume(
        project.kafka_bootstrap,
        [topics.TRIAGED.name, topics.BLOCKED.name],
        until=1,
        match=ticket_id.encode(),
        timeout_s=180,
    )
    assert [m.topic for m in found] == [topics.TRIAGED.name]
