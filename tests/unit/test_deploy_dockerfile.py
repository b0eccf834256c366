"""The Dockerfile and .dockerignore read against pyproject.toml, the sources and the chart.

Nothing is built here (no Docker engine); these catch the image missing a
package, a data file or a runtime dependency, or running as root.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

from setuptools import find_packages

from tests.support.deploy import DOCKERFILE, DOCKERIGNORE, ROOT, load_compose, load_values

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGE_PATTERNS: list[str] = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
TOP_LEVEL = sorted({p.rstrip("*") for p in PACKAGE_PATTERNS})
#: Files under the packages that are never shipped: docs and the agent's local model cache.
NOT_SHIPPED = {".py", ".pyc", ".md", ".joblib"}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for word, rest in instructions():
        if word == "FROM":
            found.append([])
        found[-1].append((word, rest))
    return found


def test_every_stage_is_python_311_slim() -> None:
    bases = [rest.split()[0] for word, rest in instructions() if word == "FROM"]
    assert bases and set(bases) == {"python:3.11-slim"}
    assert PYPROJECT["project"]["requires-python"].startswith(">=3.11")


def test_runs_as_the_non_root_user_the_chart_expects() -> None:
    final = stages()[-1]
    users = [rest for word, rest in final if word == "USER"]
    assert users, "the final stage must switch user"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0
    created = " ".join(rest for word, rest in final if word == "RUN")
    assert f"--uid {uid}" in created
    security = load_values()["podSecurityContext"]
    assert (security["runAsUser"], security["runAsGroup"]) == (int(uid), int(gid or uid))
    assert security["runAsNonRoot"] is True


def test_installs_the_project_without_dev_extras() -> None:
    runs = " ".join(rest for word, rest in instructions() if word == "RUN")
    assert "pip install" in runs
    assert re.search(r"pip install [^&]*\s\.(\s|$)", runs), "the project itself is installed"
    assert "[dev]" not in runs and "optional-dependencies" not in runs
    assert "-c constraints.txt" in runs, "constraints.txt pins versions when present"


def test_build_copies_every_package_and_the_metadata() -> None:
    copied = [rest for word, rest in stages()[0] if word == "COPY"]
    for package in TOP_LEVEL:
        assert f"{package} ./{package}" in copied, package
    sources = " ".join(copied).split()
    assert "pyproject.toml" in sources
    readme = PYPROJECT["project"]["readme"]
    assert any(fnmatch.fnmatchcase(readme, s) for s in sources), "setuptools reads the readme"


def dockerignored(path: str) -> bool:
    """Docker's rule: the last matching line wins; a matched directory covers its content."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").rstrip("/")
        if pattern.startswith("**/"):
            hit = any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts)
        else:
            hit = any(
                fnmatch.fnmatchcase(pre, pattern) and pre.count("/") == pattern.count("/")
                for pre in prefixes
            )
        if hit:
            ignored = not negate
    return ignored


def package_files() -> list[Path]:
    return [
        p
        for package in TOP_LEVEL
        for p in (ROOT / package).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]


#: Run-time caches inside the packages: trained models, never part of the image.
MODEL_CACHES = ("services/agent/model/", "services/guard/model/")


def _is_cache(source: str) -> bool:
    return source.endswith((".pyc", ".joblib")) or source.startswith(MODEL_CACHES)


def test_build_context_has_the_sources_and_nothing_else() -> None:
    sources = [str(p.relative_to(ROOT)) for p in package_files()]
    assert sources
    assert [s for s in sources if dockerignored(s) and not _is_cache(s)] == []
    assert all(dockerignored(s) for s in sources if _is_cache(s))
    assert all(dockerignored(f"{cache}model.tmp") for cache in MODEL_CACHES)
    assert not dockerignored("pyproject.toml")
    for private in (".env", ".venv/bin/python", ".git/HEAD", "tests/conftest.py", ".devstack/x"):
        assert dockerignored(private), private


def service_modules() -> set[str]:
    modules = {svc["module"] for svc in load_values()["services"].values()}
    for svc in load_compose()["services"].values():
        if svc.get("command", [])[:2] == ["python", "-m"]:
            modules.add(svc["command"][2])
    return modules


def test_pip_install_packages_every_service_module() -> None:
    """setuptools only finds packages with an ``__init__.py`` along the whole path."""
    packaged = set(find_packages(where=str(ROOT), include=PACKAGE_PATTERNS))
    assert service_modules() <= packaged
    assert {f"services.{p.name}" for p in (ROOT / "services").iterdir() if p.is_dir()} - {
        "services.__pycache__"
    } <= packaged


def _in_package(path: Path) -> str:
    """The path relative to its package (the nearest folder with an ``__init__.py``)."""
    folder = path.parent
    while not (folder / "__init__.py").exists():
        folder = folder.parent
    return str(path.relative_to(folder))


def test_data_files_are_package_data() -> None:
    """A data file outside the package-data globs would be missing from the image."""
    globs: list[str] = PYPROJECT["tool"]["setuptools"]["package-data"]["*"]
    missing = [
        str(path.relative_to(ROOT))
        for path in package_files()
        if not _is_cache(str(path.relative_to(ROOT)))
        and path.suffix not in NOT_SHIPPED
        and not any(fnmatch.fnmatch(_in_package(path), g) for g in globs)
    ]
    assert missing == [], "not installed by pip"
