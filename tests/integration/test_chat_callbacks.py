"""approval-api's Telegram and Slack callbacks on the real broker and Redis.

The Telegram/Slack APIs are a local stand-in; tools land on a local recorder.
Every refused request must leave the item pending and call nobody.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from libs import topics
from libs.chat import (
    SLACK_SIGNATURE_HEADER,
    SLACK_TIMESTAMP_HEADER,
    TELEGRAM_SECRET_HEADER,
    Button,
    Decision,
    slack_signature,
)
from schemas import ActionOutcome, PendingAction, utcnow
from services.approval.chat import SLACK_PATH, TELEGRAM_PATH
from services.approval.pending import PendingStore
from tests.support.approval import approval_api, approval_settings, approver
from tests.support.fake_chat import FakeChatApi
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo, consume

pytestmark = pytest.mark.integration

TG_SECRET = "tg-webhook-secret"
TG_TOKEN = "42:bot-token"
SLACK_SECRET = "slack-signing-secret"
SLACK_TOKEN = "xoxb-approvals"
ALICE_TG, BOB_TG, STRANGER_TG = 1111, 2222, 9999
ALICE_SLACK = "U0ALICE"


@dataclass
class Chat:
    client: httpx.AsyncClient
    store: PendingStore
    tools: HttpRecorder
    fake: FakeChatApi
    bootstrap: str

    async def seed(self) -> PendingAction:
        ticket_id = str(uuid.uuid4())
        item = PendingAction.model_validate(
            {
                **PendingAction.envelope(
                    event_id=uuid.uuid4(), ticket_id=ticket_id, tenant="starfall", producer="t@0"
                ),
                "action_id": uuid.uuid4(),
                "kind": "action",
                "tool": "grant_compensation",
                "args": {"amount": 5, "currency": "gems", "reason": "double charge"},
                "reason": "high-risk tool",
                "message_id": f"m-{ticket_id}",
                "player_ref": "p_0123",
                "text": "charged twice",
                "expires_at": utcnow() + timedelta(minutes=30),
            }
        )
        await self.store.create(item)
        return item

    async def outcomes(self, item: PendingAction, until: int = 1) -> list[ActionOutcome]:
        found = await consume(
            self.bootstrap,
            [topics.EXECUTED.name],
            until=until,
            match=str(item.action_id).encode(),
            timeout_s=3.0 if until > 1 else 15.0,
        )
        return [ActionOutcome.from_json(m.value) for m in found]

    async def telegram(
        self, update: dict[str, Any], secret: str | None = TG_SECRET
    ) -> httpx.Response:
        headers = {TELEGRAM_SECRET_HEADER: secret} if secret is not None else {}
        return await self.client.post(TELEGRAM_PATH, json=update, headers=headers)

    async def slack(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        return await self.client.post(SLACK_PATH, content=body, headers=headers)


@pytest.fixture(scope="module")
def tools() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeChatApi]:
    with FakeChatApi() as api:
        yield api


@pytest.fixture(scope="module")
async def chat(stack: StackInfo, tools: HttpRecorder, fake: FakeChatApi) -> AsyncIterator[Chat]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRIAGE_TELEGRAM_WEBHOOK_SECRET", TG_SECRET)
        env.setenv("TRIAGE_TELEGRAM_BOT_TOKEN", TG_TOKEN)
        env.setenv("TRIAGE_TELEGRAM_API_URL", f"{fake.url}/tg")
        env.setenv(
            "TRIAGE_TELEGRAM_APPROVERS", json.dumps({str(ALICE_TG): "alice", str(BOB_TG): "bob"})
        )
        env.setenv("TRIAGE_SLACK_SIGNING_SECRET", SLACK_SECRET)
        env.setenv("TRIAGE_SLACK_BOT_TOKEN", SLACK_TOKEN)
        env.setenv("TRIAGE_SLACK_API_URL", f"{fake.url}/slack")
        env.setenv("TRIAGE_SLACK_APPROVERS", json.dumps({ALICE_SLACK: "alice"}))
        # chat settings are part of ApprovalSettings: read them with the env above
        settings = approval_settings(
            stack,
            tools.url,
            {"alice": approver("alice-token", "lead"), "bob": approver("bob-token", "approver")},
        )
    async with approval_api(settings) as (client, redis):
        yield Chat(client, PendingStore(redis, memory_s=600), tools, fake, stack.kafka_bootstrap)


def telegram_press(item: PendingAction, decision: Decision, user: int) -> dict[str, Any]:
    query_id = f"cq-{uuid.uuid4()}"
    return {
        "update_id": 1,
        "callback_query": {
            "id": query_id,
            "from": {"id": user, "is_bot": False, "first_name": "A"},
            "message": {
                "message_id": 77,
                "chat": {"id": -1001, "type": "supergroup"},
                "text": f"🔔 Approval needed: {item.tool}",
            },
            "chat_instance": "1",
            "data": Button(decision, item.action_id).encode(),
        },
    }


def slack_press(item: PendingAction, decision: Decision, user: str = ALICE_SLACK) -> bytes:
    value = Button(decision, item.action_id).encode()
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Approval needed"}},
        {"type": "actions", "block_id": "triage_decision", "elements": []},
    ]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "alice"},
        "container": {"type": "message", "channel_id": "C0APPROVE", "message_ts": "1700.000100"},
        "channel": {"id": "C0APPROVE"},
        "message": {"ts": "1700.000100", "text": "Approval needed", "blocks": blocks},
        "response_url": "http://127.0.0.1:9/never-for-final-answers",
        "actions": [{"action_id": decision, "block_id": "triage_decision", "value": value}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def slack_headers(body: bytes, secret: str = SLACK_SECRET, age_s: int = 0) -> dict[str, str]:
    ts = str(int(time.time()) - age_s)
    return {SLACK_TIMESTAMP_HEADER: ts, SLACK_SIGNATURE_HEADER: slack_signature(secret, ts, body)}


def for_item(chat: Chat, method: str, item: PendingAction | str) -> list[dict[str, Any]]:
    needle = item if isinstance(item, str) else str(item.action_id)
    return [c.body for c in chat.fake.calls(method, containing=needle)]


async def test_telegram_press_approves_answers_the_query_and_edits_the_message(chat: Chat) -> None:
    item = await chat.seed()
    update = telegram_press(item, "approve", ALICE_TG)
    query_id = update["callback_query"]["id"]

    response = await chat.telegram(update)

    assert response.status_code == 200
    (outcome,) = await chat.outcomes(item)
    assert (outcome.status, outcome.decided_by, outcome.decision_channel) == (
        "executed",
        "alice",
        "telegram",
    )
    assert len(chat.tools.calls("/tools/grant_compensation", str(item.action_id))) == 1
    (answer,) = for_item(chat, "answerCallbackQuery", query_id)
    assert answer["text"].startswith("✅ Approved by alice at ")
    assert answer["show_alert"] is False
    (call,) = [
        c
        for c in chat.fake.calls("editMessageText")
        if c.body["text"].endswith(answer["text"]) and c.body["message_id"] == 77
    ]
    assert call.path == f"/tg/bot{TG_TOKEN}/editMessageText"
    assert call.body["chat_id"] == -1001
    assert call.body["text"] == f"🔔 Approval needed: grant_compensation\n\n{answer['text']}"
    assert "reply_markup" not in call.body  # the buttons go away
    assert await chat.store.get(item.action_id) is None


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TG_SECRET + "x"])
async def test_telegram_updates_without_the_secret_token_decide_nothing(
    chat: Chat, secret: str | None
) -> None:
    item = await chat.seed()
    update = telegram_press(item, "approve", ALICE_TG)

    response = await chat.telegram(update, secret=secret)

    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"signature_missing", "signature_invalid"}
    assert await chat.store.get(item.action_id) == item
    assert chat.fake.calls(containing=update["callback_query"]["id"]) == []
    assert chat.tools.calls(containing=str(item.action_id)) == []


async def test_a_telegram_user_who_is_no_approver_is_told_so_and_decides_nothing(
    chat: Chat,
) -> None:
    item = await chat.seed()
    update = telegram_press(item, "approve", STRANGER_TG)

    assert (await chat.telegram(update)).status_code == 200

    (answer,) = for_item(chat, "answerCallbackQuery", update["callback_query"]["id"])
    assert (answer["text"], answer["show_alert"]) == ("You are not an approver.", True)
    assert await chat.store.get(item.action_id) == item
    assert chat.tools.calls(containing=str(item.action_id)) == []


async def test_an_approver_whose_role_may_not_approve_the_tool_is_told_so(chat: Chat) -> None:
    item = await chat.seed()  # grant_compensation: leads only
    update = telegram_press(item, "approve", BOB_TG)

    assert (await chat.telegram(update)).status_code == 200

    (answer,) = for_item(chat, "answerCallbackQuery", update["callback_query"]["id"])
    assert answer["show_alert"] is True
    assert "may not approve 'grant_compensation'" in answer["text"]
    assert await chat.store.get(item.action_id) == item
    assert chat.tools.calls(containing=str(item.action_id)) == []


async def test_slack_press_approves_and_replaces_the_buttons_with_the_outcome(
    chat: Chat,
) -> None:
    item = await chat.seed()
    body = slack_press(item, "approve")

    response = await chat.slack(body, slack_headers(body))

    assert response.status_code == 200
    (outcome,) = await chat.outcomes(item)
    assert (outcome.status, outcome.decided_by, outcome.decision_channel) == (
        "executed",
        "alice",
        "slack",
    )
    assert len(chat.tools.calls("/tools/grant_compensation", str(item.action_id))) == 1
    updates = [
        c
        for c in chat.fake.calls("chat.update")
        if c.body["text"] == f"✅ Approved by alice at {outcome.decided_at:%H:%M} UTC: "
        "grant_compensation executed"
    ]
    assert updates, chat.fake.calls("chat.update")
    call = updates[-1]
    assert call.path == "/slack/chat.update"
    assert call.headers["Authorization"] == f"Bearer {SLACK_TOKEN}"
    assert (call.body["channel"], call.body["ts"]) == ("C0APPROVE", "1700.000100")
    assert [b["type"] for b in call.body["blocks"]] == ["header", "context"]
    assert call.body["blocks"][-1]["elements"][0]["text"] == call.body["text"]


@pytest.mark.parametrize(
    "how", ["wrong secret", "stale timestamp", "future timestamp", "missing headers", "tampered"]
)
async def test_slack_requests_not_signed_by_slack_decide_nothing(chat: Chat, how: str) -> None:
    item = await chat.seed()
    body = slack_press(item, "approve")
    headers = {
        "wrong secret": slack_headers(body, secret="not-the-secret"),
        "stale timestamp": slack_headers(body, age_s=301),
        "future timestamp": slack_headers(body, age_s=-301),
        "missing headers": {},
        "tampered": slack_headers(slack_press(item, "reject")),
    }[how]
    calls_before = len(chat.fake.calls())

    response = await chat.slack(body, headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"].startswith("signature_")
    assert await chat.store.get(item.action_id) == item
    assert len(chat.fake.calls()) == calls_before
    assert chat.tools.calls(containing=str(item.action_id)) == []


async def test_a_second_press_in_another_app_changes_nothing(chat: Chat) -> None:
    item = await chat.seed()
    body = slack_press(item, "reject")
    assert (await chat.slack(body, slack_headers(body))).status_code == 200

    update = telegram_press(item, "approve", ALICE_TG)
    assert (await chat.telegram(update)).status_code == 200

    (answer,) = for_item(chat, "answerCallbackQuery", update["callback_query"]["id"])
    assert answer["text"].startswith("No longer pending: ")
    assert "already rejected by alice" in answer["text"]
    (outcome,) = await chat.outcomes(item, until=2)
    assert (outcome.status, outcome.decision_channel, outcome.reason) == (
        "rejected",
        "slack",
        "rejected in slack",
    )
    assert chat.tools.calls(containing=str(item.action_id)) == []


async def test_updates_and_interactions_that_are_no_button_press_are_acknowledged(
    chat: Chat,
) -> None:
    calls_before = len(chat.fake.calls())
    message = {"update_id": 2, "message": {"message_id": 1, "text": "/start"}}
    assert (await chat.telegram(message)).status_code == 200
    body = urlencode({"payload": json.dumps({"type": "view_closed", "user": {"id": "U1"}})})
    assert (await chat.slack(body.encode(), slack_headers(body.encode()))).status_code == 200
    assert len(chat.fake.calls()) == calls_before
