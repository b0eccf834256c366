"""The bench's pure result handling: percentiles, target verdicts, the Markdown table."""

from __future__ import annotations

import math

import pytest

from bench.report import Figure, Section, percentile, ratio, to_json, to_markdown

HOST = {
    "nproc": 2,
    "cpu": "Test CPU",
    "python": "3.11.7",
    "platform": "x",
    "load_avg_1m_at_start": 1.5,
}


def test_percentile_uses_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_percentile_of_nothing_is_nan() -> None:
    assert math.isnan(percentile([], 99))


def test_ratio_against_a_missing_baseline_is_nan() -> None:
    assert ratio(3.0, 4.0) == 0.75
    assert math.isnan(ratio(3.0, 0.0))


@pytest.mark.parametrize(
    ("value", "target", "comparison", "met"),
    [
        (0.7, 0.6, ">=", True),
        (0.5, 0.6, ">=", False),
        (80.0, 100.0, "<=", True),
        (120.0, 100.0, "<=", False),
        (float("nan"), 100.0, "<=", None),
        (5.0, None, ">=", None),
    ],
)
def test_figure_is_held_against_its_target(
    value: float, target: float | None, comparison: str, met: bool | None
) -> None:
    figure = Figure("f", value, "x", target, comparison)  # type: ignore[arg-type]
    assert figure.met is met


def test_markdown_has_machine_figures_verdicts_notes_and_errors() -> None:
    sections = [
        Section("guard", [Figure("events/s vs raw loop", 0.21, "x", 0.25, note="why")]),
        Section("e2e", [Figure("p99", 42.0, "ms", 100.0, "<=")]),
        Section("agent", error="RuntimeError: boom"),
    ]
    text = to_markdown(to_json("2026-01-01T00:00:00+00:00", 240.0, HOST, sections))
    assert "2 CPUs, Test CPU, Python 3.11.7" in text
    assert "| guard | events/s vs raw loop | 0.21 | x | >= 0.25 | **missed** |" in text
    assert "| e2e | p99 | 42.0 | ms | <= 100 | met |" in text
    assert "- guard / events/s vs raw loop: why" in text
    assert "- **agent** failed: RuntimeError: boom" in text


def test_json_records_whether_each_target_was_met() -> None:
    data = to_json("t", 1.0, HOST, [Section("x", [Figure("a", 1.0, "x", 0.5)])])
    assert data["sections"][0]["figures"][0]["met"] is True
    assert data["machine"]["nproc"] == 2
