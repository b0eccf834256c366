"""The ``triage`` command line: argument checks and the records a redrive writes (no I/O)."""

from __future__ import annotations

import uuid

import pytest
from typer.testing import CliRunner

from libs import topics
from libs.cli import app
from libs.codec import dead_letter
from libs.dlq_tools import REDRIVE_HEADER, ToolError, dlq_topic, redrive_record

runner = CliRunner()


def test_dlq_topic_accepts_source_or_dlq_name_and_refuses_unknown() -> None:
    assert dlq_topic(topics.RAW.name) == "tickets.raw.v1.dlq"
    assert dlq_topic("tickets.raw.v1.dlq") == "tickets.raw.v1.dlq"
    with pytest.raises(ToolError, match="unknown DLQ"):
        dlq_topic("tickets.raw.v2")


def test_redrive_record_restores_the_original_and_marks_it() -> None:
    letter = dead_letter(
        stage="guard",
        topic=topics.GUARDED.name,
        partition=3,
        offset=42,
        key=b"t-1",
        value=b'{"x": 1}',
        headers=[("traceparent", b"00-aa-bb-01"), (REDRIVE_HEADER, b"older-id")],
        error=RuntimeError("boom"),
    )
    record = redrive_record(letter)
    assert (record.topic, record.key, record.value) == (topics.GUARDED.name, b"t-1", b'{"x": 1}')
    # the previous redrive marker is replaced, not doubled
    assert record.headers == [
        ("traceparent", b"00-aa-bb-01"),
        (REDRIVE_HEADER, str(letter.dead_letter_id).encode()),
    ]


def test_redrive_record_keeps_a_missing_key_missing() -> None:
    letter = dead_letter(
        stage="s",
        topic=topics.RAW.name,
        partition=0,
        offset=1,
        key=None,
        value=None,
        error=ValueError("x"),
    )
    assert redrive_record(letter).key is None
    assert letter.dead_letter_id == uuid.uuid5(uuid.NAMESPACE_URL, f"dlq:s:{topics.RAW.name}:0:1")


@pytest.mark.parametrize(
    "args",
    [
        ["dlq", "redrive", "tickets.raw.v1"],
        ["dlq", "redrive", "tickets.raw.v1", "--all", "--offset", "3"],
    ],
)
def test_redrive_needs_exactly_one_of_offset_or_all(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--offset" in result.output


def test_replay_refuses_a_time_without_zone_before_connecting() -> None:
    result = runner.invoke(app, ["replay", "--topic", "tickets.raw.v1", "--from", "yesterday"])
    assert result.exit_code == 2
    assert "ISO 8601" in result.output
