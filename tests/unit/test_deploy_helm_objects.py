"""The chart's scaling, availability, scraping and exposure objects, rendered and validated.

Built-in kinds are validated against the Kubernetes OpenAPI schemas of
``kubernetes-validate`` (strict: an unknown or misplaced field fails) for the
oldest and newest Kubernetes versions the chart targets. CRD kinds have no
schema offline and get the structural checks below.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from libs import topics
from tests.support.deploy import ROOT, load_values, settings_package
from tests.unit.test_deploy_helm import by_kind, component, need, render

VALUES = load_values()
SERVICES: dict[str, dict[str, Any]] = VALUES["services"]
STAGES = sorted(name for name, svc in SERVICES.items() if "consumer" in svc)
K8S_VERSIONS = ["1.30.0", "1.37.0"]
#: Kinds validated structurally here because no schema for them is available offline.
CRD_KINDS = {"ScaledObject", "ServiceMonitor"}
EVERYTHING_ON = {
    "keda": {"enabled": True},
    "serviceMonitor": {"enabled": True, "labels": {"release": "prom"}},
    "ingress": {"className": "nginx", "annotations": {"a": "b"}},
    "services": {
        "ingest": {"http": {"ingress": {"enabled": True, "tlsSecret": "ingest-tls"}}},
        "approval-api": {"http": {"ingress": {"enabled": True}}},
    },
}
VARIANTS = {
    "defaults": None,
    "everything-on": EVERYTHING_ON,
    "everything-off": {
        "autoscaling": {"enabled": False},
        "podDisruptionBudget": {"enabled": False},
        "topologySpread": {"enabled": False},
        "topicsJob": {"enabled": False},
        "staticMembership": False,
    },
}
OPS_PATHS = ("/metrics", "/healthz", "/readyz")


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def pod_labels(deployment: dict[str, Any]) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"]["labels"])


def deployments(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {component(d): d for d in by_kind(docs, "Deployment").values()}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_rendered_objects_are_valid_kubernetes(variant: str, version: str) -> None:
    validator = need("kubernetes_validate", "`pip install kubernetes-validate` validates")
    docs = render(VARIANTS[variant])
    checked = set()
    for doc in docs:
        if doc["kind"] in CRD_KINDS:
            continue
        validator.validate(doc, version, strict=True)
        checked.add(doc["kind"])
        name = doc["metadata"]["name"]
        assert len(name) <= 63 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name), name
    assert "Deployment" in checked


def test_every_rendered_kind_is_schema_checked_or_a_known_crd() -> None:
    kinds = {d["kind"] for d in render(EVERYTHING_ON)}
    assert (
        kinds
        == {
            "ConfigMap",
            "Deployment",
            "Service",
            "Job",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
            "Ingress",
        }
        | CRD_KINDS
    )


def test_a_pdb_per_service_selects_only_its_pods() -> None:
    docs = render()
    pods = deployments(docs)
    pdbs = {component(p): p for p in by_kind(docs, "PodDisruptionBudget").values()}
    assert set(pdbs) == set(SERVICES)
    for name, pdb in pdbs.items():
        selector = pdb["spec"]["selector"]["matchLabels"]
        assert [n for n, d in pods.items() if selects(selector, pod_labels(d))] == [name]
        assert pdb["spec"]["maxUnavailable"] == VALUES["podDisruptionBudget"]["maxUnavailable"]


def test_pods_spread_over_zones_and_nodes_by_their_own_labels() -> None:
    for name, deployment in deployments(render()).items():
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        keys = [c["topologyKey"] for c in spread]
        assert keys == VALUES["topologySpread"]["topologyKeys"], name
        for constraint in spread:
            assert selects(constraint["labelSelector"]["matchLabels"], pod_labels(deployment))
            assert constraint["labelSelector"]["matchLabels"]["app.kubernetes.io/component"] == name


def test_cpu_hpa_per_service_owns_the_replica_count() -> None:
    docs = render()
    pods = deployments(docs)
    hpas = {component(h): h for h in by_kind(docs, "HorizontalPodAutoscaler").values()}
    assert set(hpas) == set(SERVICES)
    for name, hpa in hpas.items():
        target = hpa["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", pods[name]["metadata"]["name"])
        expected = {**VALUES["autoscaling"], **SERVICES[name].get("autoscaling", {})}
        assert hpa["spec"]["maxReplicas"] == expected["maxReplicas"]
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert "replicas" not in pods[name]["spec"], f"{name}: replicas would fight the HPA"
    off = deployments(render({"autoscaling": {"enabled": False}}))
    assert {n: d["spec"]["replicas"] for n, d in off.items()} == {
        n: svc["replicas"] for n, svc in SERVICES.items()
    }


def source_of_truth(name: str) -> tuple[str, list[str]]:
    """The consumer group (``triage-<faust app>``) and source topics a worker's code uses."""
    code = (ROOT / "services" / settings_package(SERVICES[name]["module"]) / "app.py").read_text()
    (app_name,) = re.findall(r'faust_app\("([\w-]+)"', code)
    sources = [getattr(topics, attr).name for attr in re.findall(r"source=topics\.(\w+)", code)]
    return f"triage-{app_name}", sources


@pytest.mark.parametrize("name", STAGES)
def test_stream_stage_consumer_entry_matches_the_code(name: str) -> None:
    group, sources = source_of_truth(name)
    consumer = SERVICES[name]["consumer"]
    assert consumer["group"] == group
    assert sorted(consumer["topics"]) == sorted(sources)


def test_every_worker_is_a_stream_stage() -> None:
    assert sorted(name for name, svc in SERVICES.items() if "http" not in svc) == STAGES


@pytest.mark.parametrize("name", STAGES)
def test_stage_never_scales_past_its_partitions(name: str) -> None:
    partitions = {t.name: t.partitions for t in topics.ALL}
    most = max(partitions[t] for t in SERVICES[name]["consumer"]["topics"])
    expected = {**VALUES["autoscaling"], **SERVICES[name].get("autoscaling", {})}
    assert expected["maxReplicas"] <= most


def test_keda_scales_stream_stages_on_lag_instead_of_cpu() -> None:
    docs = render(EVERYTHING_ON)
    pods = deployments(docs)
    scaled = {component(s): s for s in by_kind(docs, "ScaledObject").values()}
    assert sorted(scaled) == STAGES
    hpas = {component(h) for h in by_kind(docs, "HorizontalPodAutoscaler").values()}
    assert hpas == set(SERVICES) - set(STAGES), "KEDA makes its own HPA for the stages"
    for name, obj in scaled.items():
        assert obj["apiVersion"] == "keda.sh/v1alpha1"
        spec = obj["spec"]
        assert spec["scaleTargetRef"]["name"] == pods[name]["metadata"]["name"]
        assert "replicas" not in pods[name]["spec"]
        assert spec["minReplicaCount"] <= spec["maxReplicaCount"]
        consumer = SERVICES[name]["consumer"]
        assert [t["type"] for t in spec["triggers"]] == ["kafka"] * len(consumer["topics"])
        for trigger, topic in zip(spec["triggers"], consumer["topics"], strict=True):
            meta = trigger["metadata"]
            assert all(isinstance(v, str) for v in meta.values()), "KEDA metadata are strings"
            assert meta["topic"] == topic and meta["consumerGroup"] == consumer["group"]
            assert meta["bootstrapServers"] == VALUES["config"]["TRIAGE_KAFKA_BOOTSTRAP"]
            assert int(meta["lagThreshold"]) > 0


def test_servicemonitor_reaches_every_pods_metrics_port() -> None:
    docs = render(EVERYTHING_ON)
    (monitor,) = by_kind(docs, "ServiceMonitor").values()
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prom"
    selector = monitor["spec"]["selector"]["matchLabels"]
    ports = {e["port"] for e in monitor["spec"]["endpoints"]}
    assert all(e["path"] == "/metrics" for e in monitor["spec"]["endpoints"])
    services = [
        s for s in by_kind(docs, "Service").values() if selects(selector, s["metadata"]["labels"])
    ]
    for name, deployment in deployments(docs).items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        container_ports = {p["name"] for p in container["ports"]}
        reached = [
            port
            for service in services
            if selects(service["spec"]["selector"], pod_labels(deployment))
            for port in service["spec"]["ports"]
            if port["name"] in ports and port["targetPort"] in container_ports
        ]
        assert reached, f"{name}: no monitored Service port reaches its /metrics"
    # Worker metrics Services exist only for the monitor.
    assert not [s for s in by_kind(render(), "Service") if s.endswith("-metrics")]


def test_ingresses_expose_only_the_public_api_paths() -> None:
    docs = render(EVERYTHING_ON)
    services = by_kind(docs, "Service")
    ingresses = {component(i): i for i in by_kind(docs, "Ingress").values()}
    assert set(ingresses) == {"ingest", "approval-api"}
    for name, ingress in ingresses.items():
        assert ingress["spec"]["ingressClassName"] == "nginx"
        (rule,) = ingress["spec"]["rules"]
        assert rule["host"] == SERVICES[name]["http"]["ingress"]["host"]
        for path in rule["http"]["paths"]:
            assert not path["path"].startswith(OPS_PATHS), f"{name} exposes {path['path']}"
            assert path["path"] != "/", f"{name}: / would expose /metrics and the probes"
            backend = path["backend"]["service"]
            assert backend["port"]["name"] in {
                p["name"] for p in services[backend["name"]]["spec"]["ports"]
            }
    assert ingresses["ingest"]["spec"]["tls"] == [
        {"hosts": ["ingest.example.com"], "secretName": "ingest-tls"}
    ]
    assert "tls" not in ingresses["approval-api"]["spec"]
    assert not by_kind(render(), "Ingress"), "Ingresses are opt-in"


def test_ingress_without_a_host_fails_the_render() -> None:
    helm = need("helm_python", "no Helm engine")
    with pytest.raises(helm.HelmError, match="services.ingest.http.ingress.host is required"):
        render({"services": {"ingest": {"http": {"ingress": {"enabled": True, "host": ""}}}}})
