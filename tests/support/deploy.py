"""Reading the deployment files (Dockerfile, compose, Helm chart) against the code.

The settings come from :mod:`libs.configdoc`, which imports every service's
``settings.py`` and reads its classes: a new field or service is checked
without touching the tests.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.metrics import MetricWrapperBase
from pydantic_settings import BaseSettings

from libs import configdoc

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = ROOT / "docker-compose.yml"
CHART_DIR = ROOT / "deploy" / "helm" / "triage-stream"
PROMETHEUS_FILE = ROOT / "deploy" / "prometheus" / "prometheus.yml"
GRAFANA_DIR = ROOT / "deploy" / "grafana"
IMAGE = "triage-stream:local"
#: What a Prometheus client metric of each type is exposed as, besides its own name.
METRIC_SUFFIXES = ("_total", "_bucket", "_sum", "_count", "_created")


@dataclass(frozen=True)
class HttpApi:
    """Which settings fields say where an HTTP service listens."""

    port_field: str
    host_field: str


#: HTTP services by their compose/chart name. Their probes and Services use the port.
HTTP_APIS = {
    "ingest": HttpApi("ingest_port", "ingest_host"),
    "approval-api": HttpApi("approval_api_port", "approval_api_host"),
}


def env_names(cls: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    return {f"{prefix}{name}".upper() for name in cls.model_fields}


def top_level_var(var: str) -> str:
    """``TRIAGE_A__B`` sets field ``a`` (pydantic-settings' nested delimiter)."""
    return var.split("__", 1)[0]


def settings_package(module: str) -> str:
    """``services.approval`` -> ``approval``: whose ``settings.py`` configures the module."""
    parts = module.split(".")
    assert parts[0] == "services" and len(parts) == 2, f"not a service module: {module}"
    return parts[1]


@cache
def documented_settings() -> tuple[configdoc.Setting, ...]:
    return tuple(configdoc.collect())


def service_env_names(package: str) -> set[str]:
    """The variables ``services/<package>/settings.py`` reads."""
    names = {s.env for s in documented_settings() if package in s.services}
    assert names, f"services/{package}/settings.py defines no settings"
    return names


def all_env_names() -> set[str]:
    """Every variable some service reads."""
    return {s.env for s in documented_settings()}


def field_default(package: str, field: str) -> Any:
    for owner, cls in configdoc.settings_classes().items():
        if owner.split(":")[0] == package and field in cls.model_fields:
            return cls.model_fields[field].get_default(call_default_factory=True)
    raise AssertionError(f"no settings class of services.{package} has a field {field!r}")


def module_runs(module: str) -> bool:
    """``python -m <module>`` would find something to run."""
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except ModuleNotFoundError:
        return False


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def load_compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict)
    return data


def load_values() -> dict[str, Any]:
    data = load_yaml(CHART_DIR / "values.yaml")
    assert isinstance(data, dict)
    return data


def chart_templates() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((CHART_DIR / "templates").iterdir())}


@cache
def defined_metrics() -> dict[str, frozenset[str]]:
    """The ``triage_`` metrics the code defines, with their label names.

    Finds the modules that construct prometheus_client metrics, imports them and
    reads the label names from the collectors they register.
    """
    pattern = re.compile(r'\b(?:Counter|Gauge|Histogram|Summary)\(\s*"(triage_\w+)"')
    sources = [*(ROOT / "libs").rglob("*.py"), *(ROOT / "services").rglob("*.py")]
    found: dict[str, frozenset[str]] = {}
    for path in sources:
        names = pattern.findall(path.read_text())
        if not names:
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        collectors = {
            getattr(obj, "_name", None): obj
            for obj in vars(module).values()
            if isinstance(obj, MetricWrapperBase)
        }
        for name in names:
            found[name] = frozenset(collectors[name]._labelnames)
    return found


def metric_base(series: str) -> str:
    """``triage_x_total`` / ``_bucket`` ... -> the defined name ``triage_x``."""
    for suffix in METRIC_SUFFIXES:
        if series.endswith(suffix):
            return series.removesuffix(suffix)
    return series
