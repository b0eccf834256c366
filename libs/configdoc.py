"""Every ``TRIAGE_`` setting of every service, for the README table and ``.env.example``.

``python -m libs.configdoc write`` (``make docs``) rewrites both; a test keeps them in step.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings

SERVICES = ("ingest", "guard", "agent", "approval", "notifier")


@dataclass
class Setting:
    env: str
    default: str
    description: str
    services: list[str] = field(default_factory=list)


def settings_classes() -> dict[str, type[BaseSettings]]:
    """The most derived settings class of each service module."""
    found: dict[str, type[BaseSettings]] = {}
    for name in SERVICES:
        module = importlib.import_module(f"services.{name}.settings")
        classes = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, BaseSettings)
            and obj.__module__ == module.__name__
        ]
        leaves = [c for c in classes if not any(o is not c and issubclass(o, c) for o in classes)]
        for cls in leaves:
            found[f"{name}:{cls.__name__}"] = cls
    return found


def _render_default(value: object) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict | list):
        return json.dumps(value, default=_render_default)
    return "" if value is None else str(value)


def collect() -> list[Setting]:
    by_env: dict[str, Setting] = {}
    for owner, cls in settings_classes().items():
        prefix = str(cls.model_config.get("env_prefix", ""))
        for name, info in cls.model_fields.items():
            env = f"{prefix}{name}".upper()
            default = (
                ""
                if info.is_required()
                else _render_default(info.get_default(call_default_factory=True))
            )
            setting = by_env.setdefault(env, Setting(env, default, info.description or ""))
            service = owner.split(":")[0]
            if service not in setting.services:
                setting.services.append(service)
    return sorted(by_env.values(), key=lambda s: s.env)


def markdown_table(settings: list[Setting]) -> str:
    rows = ["| variable | default | services | meaning |", "|---|---|---|---|"]
    for s in settings:
        default = s.default.replace("|", "\\|")
        rows.append(f"| `{s.env}` | `{default}` | {', '.join(s.services)} | {s.description} |")
    return "\n".join(rows) + "\n"


def env_example(settings: list[Setting]) -> str:
    lines = [
        "# Every setting with its local-stack default (generated: python -m libs.configdoc env)"
    ]
    for s in settings:
        if s.description:
            lines.append(f"# {s.description}")
        lines.append(f"{s.env}={s.default}")
    return "\n".join(lines) + "\n"


START, END = "<!-- config:start -->", "<!-- config:end -->"


def readme_with_table(readme: str, settings: list[Setting]) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{markdown_table(settings)}{END}{tail}"


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    settings = collect()
    if sys.argv[1:] == ["write"]:
        readme = root / "README.md"
        readme.write_text(readme_with_table(readme.read_text(), settings))
        (root / ".env.example").write_text(env_example(settings))
    else:
        sys.stdout.write(markdown_table(settings))


if __name__ == "__main__":
    main()
