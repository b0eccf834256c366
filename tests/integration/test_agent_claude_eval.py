"""``make eval`` and ``classify`` with Claude selected, against the fake Messages API."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.agent import evaluate
from services.agent.cli import classify
from tests.support.fake_anthropic import FakeAnthropic

pytestmark = pytest.mark.integration


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        monkeypatch.setenv("TRIAGE_AGENT_CLAUDE_BASE_URL", server.url)
        yield server


def test_eval_with_an_api_key_scores_claude_and_reports_cost(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    assert evaluate.main(["--limit", "12", "--out", str(tmp_path)]) == 0
    local = json.loads((tmp_path / "local.json").read_text())
    claude = json.loads((tmp_path / "claude.json").read_text())
    assert local["cost"] is None and local["sources"] == {"local": 12}
    assert claude["sources"] == {"claude": 12} and len(fake.requests) == 12
    # the fake answers "billing" every time: the whole confusion matrix is that column
    confusion = claude["category"]["confusion"]
    assert [row[0] for row in confusion] == [sum(row) for row in confusion]
    assert sum(map(sum, confusion)) == 12
    assert claude["cost"]["cost_usd"] > 0
    assert claude["cost"]["cost_per_ticket_usd"] == pytest.approx(
        claude["cost"]["cost_usd"] / 12, abs=1e-8
    )
    assert "cost per ticket" in (tmp_path / "claude.md").read_text()


def args(text: str, local: bool) -> argparse.Namespace:
    return argparse.Namespace(text=text, jsonl=None, locale=None, local=local)


def test_classify_uses_claude_when_selected_and_local_when_forced(
    fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_AGENT_TRIAGER", "claude")
    out = io.StringIO()
    assert classify(args("charged twice!", local=False), out) == 0
    answer = json.loads(out.getvalue())
    assert answer["source"] == "claude" and answer["usage"]["cost_usd"] > 0
    out = io.StringIO()
    assert classify(args("charged twice!", local=True), out) == 0
    assert json.loads(out.getvalue())["source"] == "local"
    assert len(fake.requests) == 1
