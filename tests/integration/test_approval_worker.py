"""The approval worker as a real process against the real broker and Redis."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from libs import redis_keys, topics
from libs.kafka import record_for
from libs.redis_client import redis_client
from libs.settings import RedisSettings
from schemas import ActionOutcome, Envelope, PendingAction
from services.approval.pending import KEEP_AFTER_EXPIRY_S
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import ROOT, StackInfo, consume, produce, service
from tests.support.tickets import action, blocked_ticket, triaged_ticket

pytestmark = pytest.mark.integration


@pytest.fixture
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


def record(model: Envelope) -> tuple[str, bytes | None, bytes]:
    out = record_for(model)
    return out.topic, out.key, out.value


async def test_worker_runs_parks_and_refuses_actions_once_each(
    stack: StackInfo, recorder: HttpRecorder, tmp_path: Path
) -> None:
    reply = action("send_reply", reply="Refund is on its way.")
    grant = action("grant_compensation", amount=5, currency="gems", reason="double charge")
    unknown = action("teleport_player", to="moon")
    issue = action("create_ticket", title="Charged twice")
    trusted = triaged_ticket(reply, grant, unknown, issue, confidence=0.9)
    flagged_reply = action("send_reply", reply="Here is your refund.")
    flagged = triaged_ticket(flagged_reply, verdict="flag", confidence=0.99)
    blocked = blocked_ticket("instruction_override")
    recorder.answer("/tools/create_ticket", 400)

    env = stack.env(
        TRIAGE_TOOLS_BASE_URL=f"{recorder.url}/tools",
        TRIAGE_APPROVAL_WINDOW_S="600",
        TRIAGE_STAGE_BATCH_WITHIN_S="0.01",
    )
    with service(["services.approval"], env, tmp_path / "approval.log"):
        # The trusted ticket twice: a redelivery must not act or park twice.
        await produce(
            stack.kafka_bootstrap,
            [record(trusted), record(trusted), record(flagged), record(blocked)],
        )
        executed, parked, parked_flagged, review = await asyncio.gather(
            consume(
                stack.kafka_bootstrap,
                [topics.EXECUTED.name],
                until=6,
                match=trusted.ticket_id.encode(),
            ),
            consume(
                stack.kafka_bootstrap,
                [topics.PENDING.name],
                until=2,
                match=str(grant.action_id).encode(),
            ),
            consume(
                stack.kafka_bootstrap,
                [topics.PENDING.name],
                until=1,
                match=flagged.ticket_id.encode(),
            ),
            consume(
                stack.kafka_bootstrap,
                [topics.PENDING.name],
                until=1,
                match=blocked.ticket_id.encode(),
            ),
        )
        assert '"level": "ERROR"' not in (tmp_path / "approval.log").read_text()

    outcomes = [ActionOutcome.from_json(m.value) for m in executed]
    by_action = {o.action_id: o for o in outcomes}
    assert len(outcomes) == 6 and len(by_action) == 3
    for o in outcomes:  # redelivered outcomes are identical in id and content
        assert o.event_id == trusted.derive(f"outcome:{o.action_id}")
        assert (o.decided_by, o.decision_channel) == ("policy", "policy")
        assert o.status == by_action[o.action_id].status
    assert by_action[reply.action_id].status == "executed"
    assert by_action[unknown.action_id].status == "rejected"
    assert "unknown tool" in (by_action[unknown.action_id].reason or "")
    assert by_action[issue.action_id].status == "failed"
    assert "400" in (by_action[issue.action_id].error or "")

    assert len(recorder.calls("/tools/send_reply", str(reply.action_id))) == 1
    assert len(recorder.calls("/tools/create_ticket", str(issue.action_id))) == 1
    assert recorder.calls(containing=str(grant.action_id)) == []
    assert recorder.calls(containing=str(flagged_reply.action_id)) == []

    first, second = (PendingAction.from_json(m.value) for m in parked)
    assert first == second  # same event id, same deadline: a duplicate, not a second request
    assert (first.kind, first.tool, first.event_id) == (
        "action",
        "grant_compensation",
        trusted.derive(f"pending:{grant.action_id}"),
    )
    [flagged_item] = (PendingAction.from_json(m.value) for m in parked_flagged)
    assert flagged_item.action_id == flagged_reply.action_id
    assert "flagged" in flagged_item.reason
    [review_item] = (PendingAction.from_json(m.value) for m in review)
    assert review_item.action_id == blocked.derive("review")
    assert (review_item.kind, review_item.tool) == ("human_review", "escalate_to_human")
    assert review_item.args == {
        "reason": "the input guard blocked the ticket: instruction_override"
    }

    redis = redis_client(RedisSettings(redis_url=stack.redis_url))
    try:
        for item in (first, flagged_item, review_item):
            stored = await redis.get(redis_keys.pending(str(item.action_id)))
            assert stored is not None and PendingAction.from_json(stored) == item
            ttl = await redis.ttl(redis_keys.pending(str(item.action_id)))
            assert 0 < ttl <= 600 + KEEP_AFTER_EXPIRY_S  # kept a while for the expiry sweep
    finally:
        await redis.aclose()


def test_worker_refuses_to_start_with_an_invalid_policy(stack: StackInfo, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("tools:\n  send_reply: {mode: always}\n")
    done = subprocess.run(
        [sys.executable, "-m", "services.approval"],
        env=stack.env(TRIAGE_APPROVAL_POLICY_FILE=str(policy)),
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert f"approval policy {policy} is invalid" in done.stderr.decode()
    assert "tools.send_reply.mode" in done.stderr.decode()


async def test_worker_timer_escalates_reminds_and_expires_a_parked_action(
    stack: StackInfo, recorder: HttpRecorder, tmp_path: Path
) -> None:
    grant = action("grant_compensation", amount=50, currency="gems", reason="lost items")
    ticket = triaged_ticket(grant, confidence=0.95)
    env = stack.env(
        TRIAGE_TOOLS_BASE_URL=f"{recorder.url}/tools",
        TRIAGE_APPROVAL_TIERS=json.dumps(
            [{"name": "lead", "window_s": 2}, {"name": "manager", "window_s": 2}]
        ),
        TRIAGE_APPROVAL_REMINDER_BEFORE_S="1",
        TRIAGE_APPROVAL_SWEEP_INTERVAL_S="0.2",
        TRIAGE_STAGE_BATCH_WITHIN_S="0.01",
    )
    with service(["services.approval"], env, tmp_path / "approval.log"):
        await produce(stack.kafka_bootstrap, [record(ticket)])
        found = await consume(
            stack.kafka_bootstrap,
            [topics.PENDING.name, topics.EXECUTED.name],
            until=5,
            match=str(grant.action_id).encode(),
            timeout_s=40.0,
        )
    notices = [PendingAction.from_json(m.value) for m in found if m.topic == topics.PENDING.name]
    assert [(n.notice, n.tier_name) for n in notices] == [
        ("new", "lead"),
        ("reminder", "lead"),
        ("escalated", "manager"),
        ("reminder", "manager"),
    ]
    assert len({n.event_id for n in notices}) == 4
    [outcome] = [ActionOutcome.from_json(m.value) for m in found if m.topic == topics.EXECUTED.name]
    assert (outcome.status, outcome.decision_channel) == ("expired", "expiry")
    assert recorder.calls(containing=str(grant.action_id)) == []
