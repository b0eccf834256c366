"""docker-compose.yml read against the code: modules, settings variables, ports, ordering.

Docker itself is not needed; tests/integration/test_compose.py runs the file for real.
"""

from __future__ import annotations

import ast
import importlib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from libs.settings import ServiceSettings
from tests.support.deploy import (
    COMPOSE_FILE,
    DOCKERFILE,
    HTTP_APIS,
    IMAGE,
    all_env_names,
    env_names,
    field_default,
    load_compose,
    module_runs,
    service_env_names,
    settings_package,
    top_level_var,
)

COMPOSE = load_compose()
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
#: Containers of the project image that run a service (the topics job is a one-shot).
APPS = {
    name: svc
    for name, svc in SERVICES.items()
    if svc.get("image") == IMAGE and svc["command"][:2] == ["python", "-m"]
}
WORKERS = sorted(set(APPS) - set(HTTP_APIS))


def env(name: str) -> dict[str, str]:
    environment = SERVICES[name].get("environment") or {}
    assert isinstance(environment, dict), f"{name}: use the mapping form of environment"
    return {k: str(v) for k, v in environment.items()}


def healthcheck_url(name: str) -> str:
    test = " ".join(SERVICES[name]["healthcheck"]["test"])
    match = re.search(r"http://[^'\"\s]+", test)
    assert match, f"{name}: healthcheck does not probe a URL: {test}"
    return match.group(0)


def test_runs_every_service_and_the_approval_api() -> None:
    commands = {name: svc["command"][2:] for name, svc in APPS.items()}
    assert commands == {
        "ingest": ["services.ingest"],
        "guard": ["services.guard"],
        "agent": ["services.agent"],
        "approval": ["services.approval"],
        "approval-api": ["services.approval", "api"],
        "notifier": ["services.notifier"],
    }


@pytest.mark.parametrize("name", sorted(APPS))
def test_service_module_exists(name: str) -> None:
    module = APPS[name]["command"][2]
    assert module_runs(module), f"{name}: `python -m {module}` has no __main__"


@pytest.mark.parametrize("name", sorted(APPS))
def test_triage_variables_are_settings_of_that_service(name: str) -> None:
    known = service_env_names(settings_package(APPS[name]["command"][2]))
    triage_vars = {top_level_var(k) for k in env(name) if k.startswith("TRIAGE_")}
    assert triage_vars, f"{name}: no TRIAGE_ settings at all"
    assert triage_vars <= known, f"{name}: not settings fields: {sorted(triage_vars - known)}"


def test_every_triage_name_in_the_file_is_a_setting() -> None:
    """Catches names in anchors, interpolations and comments too."""
    used = {top_level_var(v) for v in re.findall(r"TRIAGE_[A-Z0-9_]+", COMPOSE_FILE.read_text())}
    assert used - all_env_names() == set()


@pytest.mark.parametrize("name", sorted(APPS))
def test_services_use_real_kafka_with_idempotence_and_redis(name: str) -> None:
    variables = env(name)
    assert variables["TRIAGE_KAFKA_IDEMPOTENCE"] == "true"
    host, port = variables["TRIAGE_KAFKA_BOOTSTRAP"].split(":")
    assert host in SERVICES and f"PLAINTEXT://{host}:{port}" in advertised_listeners()
    redis = urlsplit(variables["TRIAGE_REDIS_URL"])
    assert redis.scheme == "redis" and redis.hostname in SERVICES


def advertised_listeners() -> list[str]:
    return str(SERVICES["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]).split(",")


def test_kafka_runs_kraft_without_auto_created_topics() -> None:
    kafka = SERVICES["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    variables = {k: str(v) for k, v in kafka["environment"].items()}
    assert set(variables["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    controller = variables["KAFKA_CONTROLLER_LISTENER_NAMES"]
    voter_port = variables["KAFKA_CONTROLLER_QUORUM_VOTERS"].rsplit(":", 1)[1]
    assert f"{controller}://:{voter_port}" in variables["KAFKA_LISTENERS"].split(",")
    assert variables["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


@pytest.mark.parametrize("name", sorted(HTTP_APIS))
def test_http_services_listen_on_their_settings_port(name: str) -> None:
    api = HTTP_APIS[name]
    package = settings_package(APPS[name]["command"][2])
    port = field_default(package, api.port_field)
    variables = env(name)
    assert f"TRIAGE_{api.port_field.upper()}" not in variables, "keep the settings default"
    # The default host is loopback: inside a container nothing could reach it.
    assert variables[f"TRIAGE_{api.host_field.upper()}"] == "0.0.0.0"
    published = [str(p).rsplit(":", 1)[1] for p in SERVICES[name]["ports"]]
    assert published == [str(port)]
    url = urlsplit(healthcheck_url(name))
    assert (url.port, url.path) == (port, "/readyz")


@pytest.mark.parametrize("name", WORKERS)
def test_workers_expose_metrics_and_are_probed_there(name: str) -> None:
    port = int(env(name)["TRIAGE_METRICS_PORT"])
    assert port > 0
    url = urlsplit(healthcheck_url(name))
    assert (url.port, url.path) == (port, "/metrics")


def test_agent_caches_its_model_in_the_writable_workdir() -> None:
    workdir = re.findall(r"^WORKDIR\s+(\S+)", DOCKERFILE.read_text(), re.M)[-1]
    assert env("agent")["TRIAGE_AGENT_MODEL_DIR"].startswith(workdir.rstrip("/") + "/")


def test_start_order_topics_then_services() -> None:
    topics = SERVICES["topics"]
    assert topics["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    for name, svc in APPS.items():
        assert svc["depends_on"]["topics"] == {"condition": "service_completed_successfully"}
        assert svc["depends_on"]["redis"] == {"condition": "service_healthy"}, name
    waited_for = {
        dep
        for svc in SERVICES.values()
        for dep, cond in (svc.get("depends_on") or {}).items()
        if cond["condition"] == "service_healthy"
    }
    assert all("healthcheck" in SERVICES[dep] for dep in waited_for)
    assert all("healthcheck" in svc for svc in APPS.values())


def python_c(name: str) -> ast.Module:
    """The code of a ``python -c`` container, after checking every import resolves."""
    command = SERVICES[name]["command"]
    assert command[:2] == ["python", "-c"], name
    tree = ast.parse(command[2])
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                module = node.module if isinstance(node, ast.ImportFrom) else alias.name
                imported = importlib.import_module(str(module))
                if isinstance(node, ast.ImportFrom):
                    assert hasattr(imported, alias.name), f"{name}: {module}.{alias.name}"
    return tree


def called(tree: ast.Module) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def test_topics_job_creates_the_registry_topics_with_shared_settings() -> None:
    assert {"ensure_topics", "KafkaSettings"} <= called(python_c("topics"))
    variables = env("topics")
    assert {k for k in variables if k.startswith("TRIAGE_")} <= env_names(ServiceSettings)
    assert variables["TRIAGE_KAFKA_BOOTSTRAP"] == env("ingest")["TRIAGE_KAFKA_BOOTSTRAP"]


def test_outbound_calls_land_on_the_sink() -> None:
    assert "create_sink" in called(python_c("sink"))
    port = re.search(r"port=(\d+)", SERVICES["sink"]["command"][2])
    assert port
    urls = {
        (name, var): value
        for name in APPS
        for var, value in env(name).items()
        if var in {"TRIAGE_TOOLS_BASE_URL", "TRIAGE_NOTIFY_WEBHOOK_URL"}
    }
    assert {name for name, _ in urls} == {"approval", "approval-api", "notifier"}
    for url in map(urlsplit, urls.values()):
        assert (url.hostname, url.port) == ("sink", int(port.group(1)))
    assert urlsplit(healthcheck_url("sink")).port == int(port.group(1))


def test_every_project_container_builds_the_one_image() -> None:
    project = {name for name, svc in SERVICES.items() if svc.get("image") == IMAGE}
    assert project == set(APPS) | {"topics", "sink"}
    assert all(SERVICES[name].get("build") == "." for name in project)
