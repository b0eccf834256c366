"""``triage dlq list|show|redrive`` and ``triage replay`` against the real broker and Redis."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from libs import topics
from libs.cli import app
from libs.codec import dead_letter, encode
from libs.dlq_tools import REDRIVE_HEADER, REPLAY_HEADER
from tests.support.stack import StackInfo, consume, produce

pytestmark = pytest.mark.integration

runner = CliRunner()


def _invoke(stack: StackInfo, *args: str) -> str:
    env = {"TRIAGE_KAFKA_BOOTSTRAP": stack.kafka_bootstrap, "TRIAGE_REDIS_URL": stack.redis_url}
    env["TRIAGE_KAFKA_IDEMPOTENCE"] = "false"
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _dlq_count(stack: StackInfo) -> int:
    out = _invoke(stack, "dlq", "list", "--topic", topics.RAW.name, "--recent", "0")
    [line] = [ln for ln in out.splitlines() if topics.RAW.dlq in ln]
    return int(line.split()[-1])


def _poison(marker: str) -> tuple[str, bytes, bytes]:
    """A dead letter for an undecodable tickets.raw message carrying ``marker``."""
    letter = dead_letter(
        stage="guard",
        topic=topics.RAW.name,
        partition=0,
        offset=10_000_000 + int(uuid.uuid4().int % 1_000_000),
        key=marker.encode(),
        value=f"not json {marker}".encode(),
        headers=[("traceparent", b"00-abc-def-01")],
        error=ValueError("boom"),
    )
    return topics.RAW.dlq, encode(letter), marker.encode()


def test_list_show_and_redrive_once(stack: StackInfo) -> None:
    marker = f"dlq-cli-{uuid.uuid4()}"
    before = _dlq_count(stack)
    topic, value, key = _poison(marker)
    asyncio.run(produce(stack.kafka_bootstrap, [(topic, key, value)]))

    assert _dlq_count(stack) == before + 1
    listing = _invoke(stack, "dlq", "list", "--topic", topics.RAW.dlq, "--recent", "50")
    assert "ValueError: boom" in listing

    shown = json.loads(_invoke(stack, "dlq", "show", topics.RAW.dlq, str(before)))
    assert shown["key"] == marker
    assert shown["value"] == f"not json {marker}"

    dry = _invoke(stack, "dlq", "redrive", topics.RAW.name, "--offset", str(before), "--dry-run")
    assert f"would redrive 1: ['{shown['dead_letter_id']}']" in dry.replace("\n", "")
    first = _invoke(stack, "dlq", "redrive", topics.RAW.name, "--offset", str(before))
    second = _invoke(stack, "dlq", "redrive", topics.RAW.name, "--offset", str(before))
    assert "redriven 1, already redriven 0" in first
    assert "redriven 0, already redriven 1" in second

    copies = asyncio.run(
        consume(
            stack.kafka_bootstrap,
            [topics.RAW.name],
            until=2,
            match=f"not json {marker}".encode(),
            timeout_s=5,
        )
    )
    [copy] = copies  # once, however often the operator ran the redrive
    assert copy.key == key
    headers = dict(copy.headers)
    assert headers[REDRIVE_HEADER] == shown["dead_letter_id"].encode()
    assert headers["traceparent"] == b"00-abc-def-01"


def test_show_unknown_topic_and_missing_offset_exit_2(stack: StackInfo) -> None:
    env = {"TRIAGE_KAFKA_BOOTSTRAP": stack.kafka_bootstrap, "TRIAGE_REDIS_URL": stack.redis_url}
    unknown = runner.invoke(app, ["dlq", "show", "nope.v1", "0"], env=env)
    assert unknown.exit_code == 2
    assert "unknown DLQ" in unknown.output
    missing = runner.invoke(app, ["dlq", "show", topics.EXECUTED.dlq, "99999999"], env=env)
    assert missing.exit_code == 2
    assert "holds offsets" in missing.output


def test_replay_copies_only_the_time_range(stack: StackInfo) -> None:
    """Records before ``--from`` stay put; the range lands on ``--to-topic`` with its origin."""
    marker = f"replay-{uuid.uuid4()}"
    source, target = topics.EXECUTED.dlq, topics.PENDING.dlq  # nothing consumes these in tests
    asyncio.run(produce(stack.kafka_bootstrap, [(source, b"k", f"{marker} old".encode())]))
    time.sleep(1.1)
    start = datetime.now(UTC)
    asyncio.run(
        produce(
            stack.kafka_bootstrap,
            [(source, b"k", f"{marker} new-{i}".encode()) for i in range(3)],
        )
    )
    out = _invoke(
        stack,
        "replay",
        "--topic",
        source,
        "--from",
        start.isoformat().replace("+00:00", "Z"),
        "--to",
        (datetime.now(UTC) + timedelta(seconds=5)).isoformat(),
        "--to-topic",
        target,
    )
    assert f"-> {target}" in out, out
    copies = asyncio.run(
        consume(stack.kafka_bootstrap, [target], until=4, match=marker.encode(), timeout_s=5)
    )
    assert sorted(c.value.decode() for c in copies) == [f"{marker} new-{i}" for i in range(3)], out
    assert all(dict(c.headers)[REPLAY_HEADER].startswith(source.encode()) for c in copies)
