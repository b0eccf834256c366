"""Prometheus config and the Grafana dashboard read against the code and docker-compose.

Every PromQL query must name metrics and labels the code defines, Prometheus must
scrape every service container on the port it serves /metrics on, and Grafana must
be provisioned from the files in deploy/grafana.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

import pytest

from tests.support.deploy import (
    GRAFANA_DIR,
    HTTP_APIS,
    IMAGE,
    PROMETHEUS_FILE,
    ROOT,
    defined_metrics,
    field_default,
    load_compose,
    load_yaml,
    metric_base,
    settings_package,
)

COMPOSE = load_compose()["services"]
DASHBOARD_FILES = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
DASHBOARDS = {p.name: json.loads(p.read_text()) for p in DASHBOARD_FILES}
APPS = {
    name: svc
    for name, svc in COMPOSE.items()
    if svc.get("image") == IMAGE and svc["command"][:2] == ["python", "-m"]
}
#: What ARCHITECTURE.md "Observability" asks the dashboards to show.
REQUIRED = {
    "triage_events_in",
    "triage_events_out",
    "triage_events_failed",
    "triage_stage_latency_seconds",
    "triage_dlq",
    "triage_agent_llm_requests",
    "triage_agent_llm_tokens",
    "triage_agent_llm_cost_usd",
    "triage_agent_llm_retries",
    "triage_guard_verdicts",
    "triage_approval_pending_created",
    "triage_approval_decisions",
    "triage_approval_swept",
    "triage_consumer_lag",
}


def panels() -> list[tuple[str, dict[str, Any]]]:
    return [
        (file, panel)
        for file, dashboard in DASHBOARDS.items()
        for panel in dashboard["panels"]
        if panel["type"] != "row"
    ]


def queries() -> list[tuple[str, str, str]]:
    """(panel title, PromQL, legend format) of every target."""
    return [
        (panel["title"], t["expr"], t.get("legendFormat", ""))
        for _, panel in panels()
        for t in panel["targets"]
    ]


def scrape_targets() -> dict[str, int]:
    config = load_yaml(PROMETHEUS_FILE)
    targets = [
        target
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    ]
    return {host: int(port) for host, port in (t.split(":") for t in targets)}


def test_there_is_a_dashboard() -> None:
    assert DASHBOARDS, "no dashboard JSON under deploy/grafana/dashboards"


@pytest.mark.parametrize(("title", "expr", "legend"), queries())
def test_queries_use_metrics_and_labels_the_code_defines(
    title: str, expr: str, legend: str
) -> None:
    metrics = defined_metrics()
    used = {metric_base(m) for m in re.findall(r"\btriage_\w+", expr)}
    assert used, f"{title}: no triage_ metric in {expr}"
    assert used <= set(metrics), f"{title}: undefined {sorted(used - set(metrics))}"
    labels = set[str]().union(*(metrics[m] for m in used)) | {"le"}
    grouped = {
        label.strip()
        for clause in re.findall(r"\bby \(([^)]*)\)", expr)
        for label in clause.split(",")
    }
    assert grouped <= labels, f"{title}: unknown labels {sorted(grouped - labels)}"
    legend_labels = set(re.findall(r"\{\{(\w+)\}\}", legend))
    assert legend_labels <= grouped, f"{title}: legend names labels not kept by the query"
    assert expr.count("(") == expr.count(")"), f"{title}: unbalanced parentheses"


def test_dashboards_cover_what_the_architecture_lists() -> None:
    used = {metric_base(m) for _, e, _ in queries() for m in re.findall(r"\btriage_\w+", e)}
    assert REQUIRED - used == set()


@pytest.mark.parametrize("file", sorted(DASHBOARDS))
def test_dashboard_is_well_formed_and_datasource_independent(file: str) -> None:
    dashboard = DASHBOARDS[file]
    assert dashboard["uid"] and dashboard["title"]
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    for _, panel in panels():
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"], panel["title"]
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), panel["title"]
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]


def worker_metrics_port(name: str) -> int:
    return int(APPS[name]["environment"]["TRIAGE_METRICS_PORT"])


def test_prometheus_scrapes_every_service_where_it_serves_metrics() -> None:
    targets = scrape_targets()
    for name, svc in APPS.items():
        if name in HTTP_APIS:
            package = settings_package(svc["command"][2])
            expected = field_default(package, HTTP_APIS[name].port_field)
        else:
            expected = worker_metrics_port(name)
        assert targets.get(name) == expected, name
    assert set(targets) - set(APPS) == {"localhost"}  # Prometheus itself


def container_mounts(service: str) -> dict[str, PurePosixPath]:
    """Container path -> host path (relative to the repository) of the bind mounts."""
    mounts = {}
    for volume in COMPOSE[service]["volumes"]:
        host, container = volume.split(":")[:2]
        mounts[container] = PurePosixPath(host)
    return mounts


def test_compose_mounts_the_prometheus_config_it_runs_with() -> None:
    prometheus = COMPOSE["prometheus"]
    (config,) = [a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config")]
    assert (ROOT / container_mounts("prometheus")[config]).resolve() == PROMETHEUS_FILE


def test_compose_provisions_grafana_from_deploy_grafana() -> None:
    mounts = container_mounts("grafana")
    provisioning = ROOT / mounts["/etc/grafana/provisioning"]
    assert provisioning.resolve() == (GRAFANA_DIR / "provisioning").resolve()
    (provider,) = load_yaml(provisioning / "dashboards" / "triage.yml")["providers"]
    dashboards_dir = ROOT / mounts[provider["options"]["path"]]
    assert sorted(dashboards_dir.glob("*.json")) == DASHBOARD_FILES
    (source,) = load_yaml(provisioning / "datasources" / "prometheus.yml")["datasources"]
    host, port = source["url"].removeprefix("http://").split(":")
    assert host == "prometheus" and f"{port}:{port}".endswith(
        COMPOSE["prometheus"]["ports"][0].rsplit(":", 1)[1]
    )
    home = COMPOSE["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert PurePosixPath(home).name in DASHBOARDS
