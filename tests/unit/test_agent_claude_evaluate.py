"""The evaluation's scoring: per-class reports, confusion matrix, calibration, cost summary."""

from __future__ import annotations

import pytest

from schemas.tickets import LlmUsage
from services.agent.evaluate import calibration, label_report, markdown, score
from services.agent.local.dataset import Example
from services.agent.triager import TriageOutcome


def test_label_report_scores_and_confusion() -> None:
    truth = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    report = label_report(truth, predicted, ["a", "b", "c"])
    assert report.accuracy == 0.6
    assert report.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    a = report.per_class["a"]
    assert (a.precision, a.recall, a.support) == (0.5, 0.5, 2)
    assert report.per_class["b"].f1 == pytest.approx(0.8)
    assert report.per_class["c"].f1 == 0.0
    assert report.macro_f1 == pytest.approx((0.5 + 0.8 + 0.0) / 3, abs=1e-4)


def test_calibration_bins_and_ece() -> None:
    confidences = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55, 1.0]
    correct = [True, True, True, False, True, False, True]
    result = calibration(confidences, correct)
    assert [(b.low, b.count) for b in result.bins] == [(0.5, 2), (0.9, 5)]
    top = result.bins[1]
    assert top.confidence == pytest.approx(0.96) and top.accuracy == 0.8
    # 2/7 * |0.5 - 0.55| + 5/7 * |0.8 - 0.96|
    assert result.ece == pytest.approx(2 / 7 * 0.05 + 5 / 7 * 0.16, abs=1e-4)


def test_perfectly_calibrated_is_zero() -> None:
    assert calibration([1.0, 1.0], [True, True]).ece == 0.0


def outcome(category: str, usage: LlmUsage | None, source: str = "claude") -> TriageOutcome:
    return TriageOutcome(
        category=category,
        urgency="low",
        confidence=0.9,
        draft_reply="hi",
        source=source,
        model="m",
        usage=usage,
    )


def test_score_counts_sources_and_cost_per_ticket() -> None:
    examples = [
        Example("1", "x", "billing", "low", "en"),
        Example("2", "y", "feedback", "low", "en"),
    ]
    outcomes = [
        outcome("billing", LlmUsage(input_tokens=10, output_tokens=5, cost_usd=0.004)),
        outcome("other", None, source="fallback"),
    ]
    report = score("claude", examples, outcomes)
    assert report.sources == {"claude": 1, "fallback": 1}
    assert report.category.accuracy == 0.5 and report.urgency.accuracy == 1.0
    assert report.cost is not None
    assert report.cost["cost_per_ticket_usd"] == 0.002 and report.cost["input_tokens"] == 10
    text = markdown(report)
    assert "| cost per ticket, USD | 0.002000 |" in text
    assert "| **billing** | 1 |" in text


def test_local_report_has_no_cost() -> None:
    examples = [Example("1", "x", "billing", "low", "en")]
    report = score("local", examples, [outcome("billing", None, source="local")])
    assert report.cost is None and "cost" not in markdown(report)
