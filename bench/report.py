"""Pure result handling: percentiles, target checks, the JSON and Markdown reports.

Every headline figure is a ratio against a baseline measured in the same run on
the same machine, so results from a noisy or slow machine stay comparable.
"""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Comparison = Literal[">=", "<="]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Figure:
    """One measured figure of the report, with the target it is held against (if any)."""

    name: str
    value: float
    unit: str
    target: float | None = None
    comparison: Comparison = ">="
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or math.isnan(self.value):
            return None
        if self.comparison == ">=":
            return self.value >= self.target
        return self.value <= self.target


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else math.nan


@dataclass
class Section:
    """One measurement (ingest, guard, agent, e2e, memory): figures plus raw details."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_1m_at_start": os.getloadavg()[0],
    }


def to_json(
    started_at: str, duration_s: float, host: dict[str, Any], sections: list[Section]
) -> dict[str, Any]:
    return {
        "started_at": started_at,
        "duration_s": round(duration_s, 1),
        "machine": host,
        "sections": [
            {**asdict(s), "figures": [{**asdict(f), "met": f.met} for f in s.figures]}
            for s in sections
        ],
    }


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def _verdict(figure: Figure) -> str:
    return {True: "met", False: "**missed**", None: ""}[figure.met]


def to_markdown(report: dict[str, Any]) -> str:
    """The results table (what the README quotes), then per-section notes and errors."""
    host = report["machine"]
    lines = [
        f"# Benchmark {report['started_at']}",
        "",
        f"Machine: {host['nproc']} CPUs, {host['cpu']}, Python {host['python']}, "
        f"load average {host['load_avg_1m_at_start']:.2f} at start; "
        f"run took {report['duration_s']:.0f} s.",
        "",
        "| section | figure | value | unit | target | |",
        "|---|---|---:|---|---|---|",
    ]
    notes: list[str] = []
    for section in report["sections"]:
        if section["error"]:
            notes.append(f"- **{section['name']}** failed: {section['error']}")
        for raw in section["figures"]:
            figure = Figure(**{k: v for k, v in raw.items() if k != "met"})
            target = "" if figure.target is None else f"{figure.comparison} {_fmt(figure.target)}"
            lines.append(
                f"| {section['name']} | {figure.name} | {_fmt(figure.value)} | {figure.unit} "
                f"| {target} | {_verdict(figure)} |"
            )
            if figure.note:
                notes.append(f"- {section['name']} / {figure.name}: {figure.note}")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
