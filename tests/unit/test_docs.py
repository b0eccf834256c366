"""The README's settings table and .env.example are generated: they must match the code."""

from __future__ import annotations

from pathlib import Path

from libs.configdoc import collect, env_example, readme_with_table

ROOT = Path(__file__).resolve().parents[2]


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    assert readme == readme_with_table(readme, collect()), "run `make docs`"


def test_env_example_lists_every_setting() -> None:
    assert (ROOT / ".env.example").read_text() == env_example(collect()), "run `make docs`"


def test_every_setting_is_documented() -> None:
    undocumented = [s.env for s in collect() if not s.description]
    assert not undocumented, f"add a docstring under these fields: {undocumented}"
