"""The Helm chart read against the code, rendered by Helm's engine, validated by schema.

No ``helm`` binary exists here. The static tests check values.yaml against the
settings classes and the templates against values.yaml; the render tests use
Helm's own Go engine through the ``helm-python-sdk`` wheel (``helm_python``)
and validate every rendered built-in object against the Kubernetes OpenAPI
schemas shipped in ``kubernetes-validate`` (strict: unknown fields fail). The
CRD objects (KEDA ScaledObject, ServiceMonitor) get structural checks. Without
the packages the render tests skip, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from libs.settings import ServiceSettings
from tests.support.deploy import (
    CHART_DIR,
    DOCKERFILE,
    HTTP_APIS,
    all_env_names,
    chart_templates,
    env_names,
    field_default,
    load_compose,
    load_values,
    module_runs,
    service_env_names,
    settings_package,
    top_level_var,
)

VALUES = load_values()
SERVICES: dict[str, dict[str, Any]] = VALUES["services"]
TEMPLATES = chart_templates()
WORKERS = sorted(name for name, svc in SERVICES.items() if "http" not in svc)
RANGE_OVER_SERVICES = "range $name, $svc := .Values.services"


def package_of(name: str) -> str:
    return settings_package(SERVICES[name]["module"])


def test_one_deployment_entry_per_service() -> None:
    runs = {name: [svc["module"], *svc["args"]] for name, svc in SERVICES.items()}
    assert runs == {
        "ingest": ["services.ingest"],
        "guard": ["services.guard"],
        "agent": ["services.agent"],
        "approval-worker": ["services.approval"],
        "approval-api": ["services.approval", "api"],
        "notifier": ["services.notifier"],
    }
    assert {name for name, svc in SERVICES.items() if "http" in svc} == set(HTTP_APIS)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_entry_is_complete_and_runnable(name: str) -> None:
    svc = SERVICES[name]
    assert module_runs(svc["module"]), f"`python -m {svc['module']}` has no __main__"
    assert isinstance(svc["replicas"], int) and svc["replicas"] >= 1
    assert {"cpu", "memory"} <= set(svc["resources"]["requests"])
    assert "memory" in svc["resources"]["limits"]


def test_config_names_real_settings_and_keeps_idempotence_on() -> None:
    config = VALUES["config"]
    assert set(config) - all_env_names() == set()
    assert all(isinstance(v, str) for v in config.values()), "ConfigMap values must be strings"
    assert config["TRIAGE_KAFKA_IDEMPOTENCE"] == "true"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_variables_are_settings_of_that_service(name: str) -> None:
    svc = SERVICES[name]
    known = service_env_names(package_of(name))
    own = {top_level_var(k) for k in svc["env"]} | set(svc["secretEnv"])
    assert own - known == set()
    assert set(svc["secretEnv"]) <= set(VALUES["secrets"]["keys"])


def test_secret_mappings_name_real_settings() -> None:
    assert set(VALUES["secrets"]["keys"]) - all_env_names() == set()
    assert VALUES["secrets"]["existingSecret"]


def test_variables_set_by_templates_are_shared_settings() -> None:
    used = {v for text in TEMPLATES.values() for v in re.findall(r"TRIAGE_[A-Z0-9_]+", text)}
    assert used
    assert used <= env_names(ServiceSettings)


@pytest.mark.parametrize("name", sorted(HTTP_APIS))
def test_http_services_listen_on_their_settings_port(name: str) -> None:
    api = HTTP_APIS[name]
    svc = SERVICES[name]
    assert svc["http"]["port"] == field_default(package_of(name), api.port_field)
    assert svc["env"][f"TRIAGE_{api.host_field.upper()}"] == "0.0.0.0"


def test_agent_caches_its_model_in_the_writable_workdir() -> None:
    workdir = re.findall(r"^WORKDIR\s+(\S+)", DOCKERFILE.read_text(), re.M)[-1]
    model_dir = SERVICES["agent"]["env"]["TRIAGE_AGENT_MODEL_DIR"]
    assert model_dir.startswith(workdir.rstrip("/") + "/")
    assert f"mountPath: {workdir}" in TEMPLATES["deployments.yaml"]


# --- templates against values.yaml (what can be checked without a renderer) ---


def resolve(tree: Any, path: list[str]) -> bool:
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return False
        tree = tree[key]
    return True


def references(pattern: str) -> Iterator[tuple[str, list[str]]]:
    for file, text in TEMPLATES.items():
        for match in re.finditer(pattern + r"((?:\.[A-Za-z_]\w*)+)", text):
            yield file, match.group(1).lstrip(".").split(".")


def test_templates_reference_only_existing_values() -> None:
    builtin = {"Release", "Chart", "Template", "Capabilities", "Files"}
    missing = [
        (file, ".".join(path))
        for file, path in references(r"\.Values")
        if not resolve(VALUES, path) and path[0] not in builtin
    ]
    assert missing == []


def test_service_fields_used_by_templates_exist() -> None:
    for file, text in TEMPLATES.items():
        if "$svc" in text:
            assert RANGE_OVER_SERVICES in text, f"{file}: $svc outside a range over services"
    missing = [
        (file, ".".join(path))
        for file, path in references(r"\$svc")
        if not any(resolve(svc, path) for svc in SERVICES.values())
    ]
    assert missing == []


def test_included_templates_are_defined_and_blocks_closed() -> None:
    text = "\n".join(TEMPLATES.values())
    defined = set(re.findall(r'define "([^"]+)"', text))
    assert set(re.findall(r'include "([^"]+)"', text)) <= defined
    for file, body in TEMPLATES.items():
        opened = re.findall(r"\{\{-?\s*(?:if|range|with|define)\b", body)
        closed = re.findall(r"\{\{-?\s*end\b", body)
        assert len(opened) == len(closed), file
        assert body.count("{{") == body.count("}}"), file


def test_topics_job_runs_the_same_code_as_compose() -> None:
    compose_code = load_compose()["services"]["topics"]["command"][2]
    block = re.search(r"- >-\n((?:\s{14}.+\n)+)", TEMPLATES["topics-job.yaml"])
    assert block, "topics job command not found"
    chart_code = " ".join(line.strip() for line in block.group(1).splitlines())
    assert chart_code == compose_code


# --- rendered by Helm's engine ---


NO_HELM = "no Helm engine: `pip install helm-python-sdk` renders the chart"


def need(module: str, why: str) -> Any:
    """Import ``module`` or skip; under CI a missing renderer/validator is a failure."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=why)


def render(values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    helm = need("helm_python", NO_HELM)
    with helm.Chart.load(str(CHART_DIR)) as chart:
        manifests = chart.render(values=values, name="rel", namespace="triage", is_install=True)
    docs = [d for text in manifests.values() for d in yaml.safe_load_all(text) if d]
    return docs


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def component(doc: dict[str, Any]) -> str:
    return str(doc["metadata"]["labels"]["app.kubernetes.io/component"])


def test_render_makes_one_deployment_per_service_and_services_for_apis() -> None:
    docs = render()
    deployments = {component(d): d for d in by_kind(docs, "Deployment").values()}
    assert set(deployments) == set(SERVICES)
    services = {component(s): s for s in by_kind(docs, "Service").values()}
    assert set(services) == set(HTTP_APIS)
    for name, service in services.items():
        pod = deployments[name]["spec"]["template"]
        assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
        (container,) = pod["spec"]["containers"]
        port_names = {p["name"] for p in container["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names
    assert len(by_kind(docs, "ConfigMap")) == 1
    (job,) = by_kind(docs, "Job").values()
    assert "pre-install" in job["metadata"]["annotations"]["helm.sh/hook"]


def test_rendered_containers_read_only_their_settings() -> None:
    docs = render()
    (configmap,) = by_kind(docs, "ConfigMap").values()
    secret_keys = set(VALUES["secrets"]["keys"].values())
    for deployment in by_kind(docs, "Deployment").values():
        name = component(deployment)
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["command"] == ["python", "-m", SERVICES[name]["module"]] + list(
            SERVICES[name]["args"]
        )
        assert container["envFrom"] == [{"configMapRef": {"name": configmap["metadata"]["name"]}}]
        # The shared ConfigMap may hold settings only some services read (extra="ignore").
        assert set(configmap["data"]) - all_env_names() == set()
        names = {top_level_var(e["name"]) for e in container["env"]}
        assert names - service_env_names(package_of(name)) == set(), name
        for var in container["env"]:
            ref = var.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["name"] == VALUES["secrets"]["existingSecret"]
                assert ref["key"] in secret_keys


def test_rendered_probes_hit_declared_ports() -> None:
    docs = render()
    for deployment in by_kind(docs, "Deployment").values():
        name = component(deployment)
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        probes = {k: container[k]["httpGet"] for k in ("livenessProbe", "readinessProbe")}
        assert {p["port"] for p in probes.values()} <= set(ports)
        if name in HTTP_APIS:
            assert probes["readinessProbe"]["path"] == "/readyz"
            assert probes["livenessProbe"]["path"] == "/healthz"
        else:
            env = {e["name"]: e for e in container["env"]}
            assert int(env["TRIAGE_METRICS_PORT"]["value"]) == ports["metrics"]
            assert probes["livenessProbe"]["path"] == "/metrics"


def test_workers_get_static_membership_from_the_pod_name() -> None:
    def instance_ids(values: dict[str, Any] | None) -> dict[str, Any]:
        found = {}
        for deployment in by_kind(render(values), "Deployment").values():
            (container,) = deployment["spec"]["template"]["spec"]["containers"]
            for var in container["env"]:
                if var["name"] == "TRIAGE_KAFKA_GROUP_INSTANCE_ID":
                    found[component(deployment)] = var["valueFrom"]["fieldRef"]["fieldPath"]
        return found

    assert instance_ids(None) == {name: "metadata.name" for name in WORKERS}
    assert instance_ids({"staticMembership": False}) == {}


def test_unmapped_secret_fails_the_render() -> None:
    helm = need("helm_python", NO_HELM)
    with pytest.raises(helm.HelmError, match="secrets.keys has no entry for TRIAGE_NOPE"):
        render({"services": {"guard": {"secretEnv": ["TRIAGE_NOPE"]}}})


def test_default_secret_name_port_and_replicas_follow_values() -> None:
    docs = render(
        {
            "secrets": {"existingSecret": "prod-secrets"},
            "autoscaling": {"enabled": False},
            "services": {"guard": {"replicas": 5}},
        }
    )
    deployments = {component(d): d for d in by_kind(docs, "Deployment").values()}
    assert deployments["guard"]["spec"]["replicas"] == 5
    refs = [
        var["valueFrom"]["secretKeyRef"]["name"]
        for d in deployments.values()
        for var in d["spec"]["template"]["spec"]["containers"][0]["env"]
        if "secretKeyRef" in var.get("valueFrom", {})
    ]
    assert refs and set(refs) == {"prod-secrets"}
