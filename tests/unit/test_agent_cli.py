"""The classify CLI: one message, or a JSONL file, printed as JSON triages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from services.agent.cli import InputError, classify, parser, read_jsonl


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = classify(parser().parse_args(argv), out)
    return code, out.getvalue()


def test_classify_one_message_prints_one_json_object() -> None:
    code, output = run(["classify", "--local", "my game crashes with error SF-1042 on PS5"])
    assert code == 0
    result = json.loads(output)
    assert result["category"] == "bug_report"
    assert result["extracted"]["error_codes"] == ["SF-1042"]
    assert result["source"] == "local"
    assert [a["tool"] for a in result["proposed_actions"]] == ["send_reply", "create_ticket"]
    assert run(["classify", "--local", "my game crashes with error SF-1042 on PS5"])[1] == output


def test_classify_jsonl_prints_one_line_per_message(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "I was charged twice, $4.99 two times"}\n'
        "\n"
        '{"id": 7, "text": "wie trete ich einem Clan bei?", "locale": "de"}\n',
        encoding="utf-8",
    )
    code, output = run(["classify", "--jsonl", str(source)])
    lines = [json.loads(line) for line in output.splitlines()]
    assert code == 0
    assert [(r["id"], r["category"], r["language"]) for r in lines] == [
        ("a", "billing", "en"),
        ("7", "gameplay_question", "de"),
    ]


def test_bad_jsonl_is_reported_not_half_processed(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "hi"}\n{"id": "b"}\n', encoding="utf-8")
    assert run(["classify", "--jsonl", str(source)]) == (2, "")


@pytest.mark.parametrize("line", ["not json", "[1, 2]", '{"id": "x", "text": 5}'])
def test_read_jsonl_rejects_malformed_lines(line: str) -> None:
    with pytest.raises(InputError):
        list(read_jsonl(io.StringIO(line)))


def test_worker_and_classify_commands_parse() -> None:
    assert parser().parse_args(["worker"]).command == "worker"
    with pytest.raises(SystemExit):
        parser().parse_args(["classify"])  # needs a text or --jsonl
