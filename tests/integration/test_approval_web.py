"""approval-api's roles, signed links and inbox, in-process against the real broker and Redis."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
from redis.asyncio import Redis

from libs import redis_keys, topics
from schemas import ActionOutcome, PendingAction
from services.approval.inbox import COOKIE
from services.approval.pending import PendingStore
from tests.support.approval import approval_api, approval_settings, approver, pending_item
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo, consume

pytestmark = pytest.mark.integration

ANN = {"Authorization": "Bearer ann-token"}
BOB = {"Authorization": "Bearer bob-token"}
INBOX = {"X-Inbox": "1"}


@dataclass
class Web:
    client: httpx.AsyncClient
    redis: Redis
    store: PendingStore
    recorder: HttpRecorder
    bootstrap: str

    async def seed(self, tool: str = "send_reply", **args: Any) -> PendingAction:
        item = pending_item(tool, **args)
        await self.store.create(item)
        return item

    async def outcome(self, action_id: uuid.UUID) -> ActionOutcome:
        [found] = await consume(
            self.bootstrap, [topics.EXECUTED.name], until=1, match=str(action_id).encode()
        )
        return ActionOutcome.from_json(found.value)

    async def links(self, action_id: uuid.UUID, **body: str) -> dict[str, str]:
        response = await self.client.post(
            f"/v1/pending/{action_id}/links", headers=ANN, json=body or None
        )
        assert response.status_code == 200, response.text
        return {k: v.removeprefix("http://approval") for k, v in response.json().items()}

    async def login(self, token: str) -> httpx.Response:
        return await self.client.post(
            "/inbox/login",
            content=f"token={token}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )


@pytest.fixture(scope="module")
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


@pytest.fixture(scope="module")
async def web(stack: StackInfo, recorder: HttpRecorder) -> AsyncIterator[Web]:
    settings = approval_settings(
        stack,
        recorder.url,
        {"ann": approver("ann-token", "lead"), "bob": approver("bob-token", "approver")},
        approval_signing_secret="web-test-secret",
        approval_public_url="http://approval",
    )
    async with approval_api(settings) as (client, redis):
        store = PendingStore(redis, memory_s=600)
        yield Web(client, redis, store, recorder, stack.kafka_bootstrap)


async def test_roles_limit_approvals_but_not_rejections(web: Web) -> None:
    item = await web.seed("grant_compensation")
    url = f"/v1/pending/{item.action_id}"
    refused = await web.client.post(f"{url}/approve", headers=BOB)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert await web.store.get(item.action_id) == item  # nothing taken, nothing ran
    assert web.recorder.calls(containing=str(item.action_id)) == []
    rejected = await web.client.post(f"{url}/reject", headers=BOB, json={"reason": "not ours"})
    assert rejected.status_code == 200


async def test_a_link_get_only_confirms_and_the_post_decides_once(web: Web) -> None:
    item = await web.seed("grant_compensation")
    links = await web.links(item.action_id, approver="bob")
    # A link scanner opening the link decides nothing.
    for _ in range(2):
        page = await web.client.get(links["approve"])
        assert page.status_code == 200 and '<form method="post">' in page.text
    assert "grant_compensation" in page.text and "bob" in page.text
    assert await web.store.get(item.action_id) == item
    # bob's role may not approve a grant, even through a link issued to him.
    forbidden = await web.client.post(links["approve"])
    assert forbidden.status_code == 403

    links = await web.links(item.action_id)  # for ann, a lead
    done = await web.client.post(links["approve"])
    assert done.status_code == 200, done.text
    assert "Approved by ann" in done.text
    again = await web.client.post(links["approve"])
    assert again.status_code == 409 and "already used" in again.text
    rejected_late = await web.client.post(links["reject"])
    assert rejected_late.status_code == 409
    outcome = await web.outcome(item.action_id)
    assert (outcome.status, outcome.decided_by, outcome.decision_channel) == (
        "executed",
        "ann",
        "link",
    )
    assert len(web.recorder.calls("/tools/grant_compensation", str(item.action_id))) == 1


async def test_a_reject_link_records_the_reason(web: Web) -> None:
    item = await web.seed("flag_account")
    links = await web.links(item.action_id)
    response = await web.client.post(
        links["reject"],
        content="reason=no+evidence+of+abuse",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    outcome = await web.outcome(item.action_id)
    assert (outcome.status, outcome.reason, outcome.decision_channel) == (
        "rejected",
        "no evidence of abuse",
        "link",
    )


async def test_a_link_for_changed_arguments_or_forged_decides_nothing(web: Web) -> None:
    item = await web.seed("send_reply", reply="Refund sent.")
    links = await web.links(item.action_id)
    changed = item.model_copy(update={"args": {"reply": "Refund sent, and 1000 gems!"}})
    await web.store._redis.set(
        redis_keys.pending(str(item.action_id)), changed.to_json(), keepttl=True
    )
    assert (await web.client.get(links["approve"])).status_code == 409
    stale = await web.client.post(links["approve"])
    assert stale.status_code == 409 and "changed" in stale.text
    token = links["approve"].rsplit("/", 1)[1]
    forged = await web.client.post(f"/links/{token[:-2]}00")
    assert forged.status_code == 400
    assert web.recorder.calls(containing=str(item.action_id)) == []
    assert await web.store.get(item.action_id) == changed


async def test_inbox_login_list_decide_and_reveal(web: Web) -> None:
    item = await web.seed("send_reply", reply="Sorry, refunded.")
    other = await web.seed("flag_account")
    assert (await web.client.get("/inbox")).status_code == 303  # not signed in
    assert (await web.login("wrong")).status_code == 401
    signed_in = await web.login("bob-token")
    assert signed_in.status_code == 303 and COOKIE in signed_in.cookies
    cookies = {COOKIE: signed_in.cookies[COOKIE]}

    listed = await web.client.get("/inbox", cookies=cookies, params={"tool": "send_reply"})
    assert listed.status_code == 200
    assert str(item.action_id) in listed.text and str(other.action_id) not in listed.text
    rows = await web.client.get("/inbox/rows", cookies=cookies)
    assert str(other.action_id) in rows.text and "<html" not in rows.text

    page = await web.client.get(f"/inbox/items/{item.action_id}", cookies=cookies)
    assert page.status_code == 200 and "Sorry, refunded." in page.text

    url = f"/inbox/items/{item.action_id}"
    no_header = await web.client.post(f"{url}/approve", cookies=cookies, json={})
    assert no_header.status_code == 403  # a cross-site form cannot decide
    reveal = await web.client.post(f"{url}/reveal", cookies=cookies, headers=INBOX)
    assert reveal.json()["revealed"] is False and "recorded" in reveal.json()["message"]

    approved = await web.client.post(
        f"{url}/approve", cookies=cookies, headers=INBOX, json={"reply": "Refunded, sorry!"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["message"] == "Approved by bob: send_reply executed."
    again = await web.client.post(f"{url}/approve", cookies=cookies, headers=INBOX, json={})
    assert again.status_code == 409
    outcome = await web.outcome(item.action_id)
    assert (outcome.decided_by, outcome.decision_channel, outcome.args) == (
        "bob",
        "inbox",
        {"reply": "Refunded, sorry!"},
    )
    assert outcome.reason == "approved with an edited reply"
    [call] = web.recorder.calls("/tools/send_reply", str(item.action_id))
    assert call.json()["args"] == {"reply": "Refunded, sorry!"}

    forbidden = await web.client.post(
        f"/inbox/items/{other.action_id}/approve", cookies=cookies, headers=INBOX, json={}
    )
    assert forbidden.status_code == 403
    gone = await web.client.get(url, cookies=cookies)
    assert gone.status_code == 404
    rows = await web.client.get("/inbox/rows", cookies=cookies)
    assert str(item.action_id) not in rows.text


async def test_the_inbox_refuses_forged_sessions(web: Web) -> None:
    forged = {COOKIE: "eyJ1IjoiYW5uIiwiZSI6OTk5OTk5OTk5OX0.00"}
    assert (await web.client.get("/inbox", cookies=forged)).status_code == 303
    assert (await web.client.get("/inbox/rows", cookies=forged)).status_code == 401
    item = await web.seed()
    response = await web.client.post(
        f"/inbox/items/{item.action_id}/approve", cookies=forged, headers=INBOX, json={}
    )
    assert response.status_code == 401
    assert re.search(r"sign in", response.json()["error"]["message"])
    assert orjson.loads((await web.client.get("/healthz")).content)
