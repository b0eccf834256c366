"""From a ticket to a Slack button press to the executed action, every service a process.

The notifier posts to a local stand-in for the Slack Web API; the test reads
that message, "clicks" approve by POSTing a correctly signed interactivity
payload to approval-api, and checks the outcome on actions.executed.v1, the tool
call on the sink, and the chat.update that replaced the buttons.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from libs import topics
from libs.chat import SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, Button, slack_signature
from libs.devstack import stack as devstack
from libs.devstack.client import signed_post
from libs.devstack.pipeline import Endpoints, Pipeline
from schemas import ActionOutcome
from services.approval.chat import SLACK_PATH
from tests.support.fake_chat import ChatCall, FakeChatApi
from tests.support.stack import consume

pytestmark = pytest.mark.e2e

TENANT_SECRET = "dev-secret-starfall"
SIGNING_SECRET = "e2e-slack-signing-secret"
SLACK_USER = "U0LEAD"
CHANNEL = "C0APPROVALS"
TICKET = {
    "message_id": "e2e-slack-billing",
    "tenant": "starfall",
    "player_id": "p-slack",
    "text": "I was charged twice for the 1200 gems pack, 9.99 USD two times on my card! "
    "Order GPA.3341-2291-0042. Please refund the second charge.",
}


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeChatApi]:
    with FakeChatApi() as fake:
        yield fake


@pytest.fixture(scope="module")
def pipeline(
    tmp_path_factory: pytest.TempPathFactory, slack_api: FakeChatApi
) -> Iterator[Pipeline]:
    """An own stack; the notifier's only approver channel is Slack, as approver "demo"."""
    workdir = Path(tmp_path_factory.mktemp("e2e-slack"))
    local = devstack.start(workdir / "stack")
    running = Pipeline(local.env(), workdir / "logs", Endpoints())
    slack_env = {
        "TRIAGE_SLACK_BOT_TOKEN": "xoxb-e2e",
        "TRIAGE_SLACK_API_URL": slack_api.url,
        "TRIAGE_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "TRIAGE_SLACK_APPROVERS": json.dumps({SLACK_USER: "demo"}),
        "TRIAGE_NOTIFY_TENANT_CHANNELS": json.dumps(
            {"starfall": [{"type": "slack", "channel": CHANNEL}]}
        ),
    }
    try:
        running.start(slack_env)
        yield running
    finally:
        codes = running.stop()
        local.stop()
        assert all(code == 0 for code in codes.values()), f"unclean exits: {codes}"


def _wait(what: str, found: Any, timeout_s: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout_s}s")


def _button(message: ChatCall, decision: str) -> tuple[str, Button]:
    """The value of the ``decision`` button on ``message``, and what it decodes to."""
    (actions,) = [b for b in message.body["blocks"] if b["type"] == "actions"]
    for element in actions["elements"]:
        button = Button.decode(element["value"])
        if button is not None and button.decision == decision:
            return str(element["value"]), button
    raise AssertionError(f"no {decision} button in {actions}")


def _interaction(message: ChatCall, value: str, response_url: str) -> bytes:
    """What Slack POSTs when SLACK_USER presses the button ``value`` on ``message``."""
    ts = message.answer["ts"]
    payload = {
        "type": "block_actions",
        "user": {"id": SLACK_USER, "username": "lead"},
        "container": {"type": "message", "channel_id": CHANNEL, "message_ts": ts},
        "channel": {"id": CHANNEL},
        "message": {"ts": ts, "text": message.body["text"], "blocks": message.body["blocks"]},
        "response_url": response_url,
        "actions": [{"action_id": "approve", "block_id": "triage_decision", "value": value}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def test_a_slack_button_press_approves_and_runs_the_action(
    pipeline: Pipeline, slack_api: FakeChatApi
) -> None:
    ep = pipeline.endpoints
    with httpx.Client(timeout=10) as client:
        accepted = signed_post(client, f"{ep.ingest_url}/v1/tickets", TICKET, TENANT_SECRET)
    assert accepted.status_code == 202, accepted.text
    ticket_id = accepted.json()["ticket_id"]

    message = _wait(
        "the Slack approval request",
        lambda: slack_api.calls("chat.postMessage", containing="grant_compensation"),
    )[0]
    assert message.body["channel"] == CHANNEL
    assert message.headers["Authorization"] == "Bearer xoxb-e2e"
    assert ticket_id in json.dumps(message.body["blocks"])
    approve, button = _button(message, "approve")
    action_id = str(button.action_id)

    body = _interaction(message, approve, f"{slack_api.url}/response")
    ts = str(int(time.time()))
    pressed = httpx.post(
        f"{ep.approval_api_url}{SLACK_PATH}",
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            SLACK_TIMESTAMP_HEADER: ts,
            SLACK_SIGNATURE_HEADER: slack_signature(SIGNING_SECRET, ts, body),
        },
        timeout=10,
    )
    assert pressed.status_code == 200, pressed.text

    (update,) = _wait("the chat.update", lambda: slack_api.calls("chat.update"))
    assert (update.body["channel"], update.body["ts"]) == (CHANNEL, message.answer["ts"])
    assert update.body["text"].startswith("✅ Approved by demo at ")
    assert "actions" not in [b["type"] for b in update.body["blocks"]]
    assert slack_api.calls("response") == []  # nothing went wrong to tell the presser

    executed = asyncio.run(
        consume(
            pipeline.stack_env["TRIAGE_KAFKA_BOOTSTRAP"],
            [topics.EXECUTED.name],
            until=1,
            match=action_id.encode(),
            timeout_s=20,
        )
    )
    (outcome,) = [ActionOutcome.from_json(m.value) for m in executed]
    assert (outcome.tool, outcome.status, outcome.decided_by, outcome.decision_channel) == (
        "grant_compensation",
        "executed",
        "demo",
        "slack",
    )
    assert outcome.ticket_id == ticket_id

    tool_calls = httpx.get(
        f"{ep.sink_url}/records", params={"path_prefix": "/tools/grant_compensation"}
    ).json()
    assert [c["body"]["action_id"] for c in tool_calls] == [action_id]
