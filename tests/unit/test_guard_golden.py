"""The guard engine's results are pinned: the fast paths must not change a single one.

``guard_golden/results.jsonl`` holds, for each text, the result of the engine as it
was before the prefilters and fast paths (normalisation, PII, encoded payloads,
matcher index) were added, all of it: verdict, score, findings with their spans and
rule ids, redacted text, PII kinds and values. Texts: the bench samples, a sample of
the dev split, every rule example, adversarial inputs (long texts, invisible
characters, tags, mixed scripts, leetspeak, spacing) and seeded random texts; no
held-out text. The rules are a frozen copy (``guard_golden/rules.yaml``), so tuning
``rules.yaml`` never touches this test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.guard.engine import GuardEngine
from services.guard.rules import load_rules

GOLDEN = Path(__file__).with_name("guard_golden")


def _cases() -> list[dict[str, Any]]:
    # One case per "\n": texts hold other line breaks (U+2028, U+0085), escaped or not.
    lines = (GOLDEN / "results.jsonl").read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line]


CASES = _cases()


@pytest.fixture(scope="module")
def engine() -> GuardEngine:
    return GuardEngine(load_rules(GOLDEN / "rules.yaml"))


def test_the_golden_set_covers_every_verdict_and_the_hard_inputs() -> None:
    verdicts = {case["result"]["verdict"] for case in CASES}
    assert verdicts == {"pass", "flag", "block"}
    texts = [case["text"] for case in CASES]
    assert any(len(text) > 8000 for text in texts)  # truncated
    assert any("\u200b" in text for text in texts)
    assert any(any(0xE0000 <= ord(c) <= 0xE007F for c in text) for text in texts)
    assert any(case["pii_values"] for case in CASES)


@pytest.mark.parametrize("chunk", range(4))
def test_results_equal_the_reference_engine(engine: GuardEngine, chunk: int) -> None:
    for case in CASES[chunk::4]:
        result = engine.check(case["text"])
        assert result.model_dump(mode="json") == case["result"], case["text"][:200]
        assert result.pii_values == case["pii_values"], case["text"][:200]


def test_results_do_not_depend_on_what_was_checked_before(engine: GuardEngine) -> None:
    """The matcher index remembers words; a cold engine and a warm one agree."""
    cold = GuardEngine(load_rules(GOLDEN / "rules.yaml"))
    for case in reversed(CASES[::7]):
        assert cold.check(case["text"]).model_dump(mode="json") == case["result"]
