"""approval-api in-process against the real broker and Redis, tools on a local recorder."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from libs import topics
from schemas import ActionOutcome, PendingAction, utcnow
from services.approval.pending import PendingStore
from services.approval.policy import Decision
from services.approval.settings import DEMO_TOKEN
from services.approval.worker import pending_for_action, pending_for_blocked
from tests.support.approval import approval_api, approval_settings, approver
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import StackInfo, consume
from tests.support.tickets import action, blocked_ticket, triaged_ticket

pytestmark = pytest.mark.integration

DEMO = {"Authorization": f"Bearer {DEMO_TOKEN}"}
BOB = {"Authorization": "Bearer bob-token"}


@dataclass
class Api:
    client: httpx.AsyncClient
    store: PendingStore
    recorder: HttpRecorder
    bootstrap: str

    async def seed(self, tool: str = "send_reply", **args: object) -> PendingAction:
        proposed = action(tool, **(args or {"reply": "Sorry, refund on its way."}))
        item = pending_for_action(
            triaged_ticket(proposed),
            proposed,
            Decision("approve", "needs a human"),
            producer="approval@test",
            expires_at=utcnow() + timedelta(minutes=30),
        )
        await self.store.create(item)
        return item

    async def outcomes(
        self, action_id: uuid.UUID, until: int = 1, timeout_s: float = 15.0
    ) -> list[ActionOutcome]:
        found = await consume(
            self.bootstrap,
            [topics.EXECUTED.name],
            until=until,
            match=str(action_id).encode(),
            timeout_s=timeout_s,
        )
        return [ActionOutcome.from_json(m.value) for m in found]


@pytest.fixture(scope="module")
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


@pytest.fixture(scope="module")
async def api(stack: StackInfo, recorder: HttpRecorder) -> AsyncIterator[Api]:
    approvers = {"demo": approver(DEMO_TOKEN, "lead"), "bob": approver("bob-token")}
    async with approval_api(approval_settings(stack, recorder.url, approvers)) as (client, redis):
        yield Api(client, PendingStore(redis, memory_s=600), recorder, stack.kafka_bootstrap)


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic ZGVtbzpkZW1v"}]
)
async def test_every_route_needs_a_valid_approver_token(api: Api, headers: dict[str, str]) -> None:
    item = await api.seed()
    path = f"/v1/pending/{item.action_id}"
    for method, url in [("GET", "/v1/pending"), ("GET", path), ("POST", f"{path}/approve")]:
        response = await api.client.request(method, url, headers=headers)
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert await api.store.get(item.action_id) == item  # nothing was decided


async def test_lists_and_shows_pending_items(api: Api) -> None:
    item = await api.seed("grant_compensation", amount=5, currency="gems", reason="double charge")
    listed = await api.client.get("/v1/pending", headers=DEMO, params={"limit": 1000})
    assert listed.status_code == 200
    ids = [i["action_id"] for i in listed.json()["items"]]
    assert str(item.action_id) in ids
    shown = await api.client.get(f"/v1/pending/{item.action_id}", headers=BOB)
    assert shown.status_code == 200
    assert PendingAction.model_validate(shown.json()) == item
    missing = await api.client.get(f"/v1/pending/{uuid.uuid4()}", headers=DEMO)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


async def test_approve_runs_the_tool_publishes_the_outcome_and_is_single_use(api: Api) -> None:
    item = await api.seed()
    url = f"/v1/pending/{item.action_id}/approve"
    response = await api.client.post(url, headers=DEMO, json={"reply": "Edited: refund done."})
    assert response.status_code == 200, response.text
    body = ActionOutcome.model_validate(response.json())
    assert (body.status, body.decided_by, body.decision_channel) == ("executed", "demo", "api")
    assert body.args == {"reply": "Edited: refund done."}

    calls = api.recorder.calls("/tools/send_reply", str(item.action_id))
    assert [c.json()["args"] for c in calls] == [{"reply": "Edited: refund done."}]

    again = await api.client.post(url, headers=BOB)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"
    assert "approved by demo" in again.json()["error"]["message"]
    rejected_late = await api.client.post(
        f"/v1/pending/{item.action_id}/reject", headers=BOB, json={"reason": "too late"}
    )
    assert rejected_late.status_code == 409
    assert len(api.recorder.calls("/tools/send_reply", str(item.action_id))) == 1
    assert (await api.client.get(f"/v1/pending/{item.action_id}", headers=DEMO)).status_code == 404

    # Exactly one outcome was published, by the decision that won.
    [published] = await api.outcomes(item.action_id, until=2, timeout_s=3.0)
    assert published.event_id == item.derive("decision") == body.event_id
    assert (published.status, published.decided_by, published.decision_channel) == (
        "executed",
        "demo",
        "api",
    )
    assert published.ticket_id == item.ticket_id


async def test_reject_publishes_the_reason_and_runs_nothing(api: Api) -> None:
    item = await api.seed("flag_account", reason="cheating")
    response = await api.client.post(
        f"/v1/pending/{item.action_id}/reject", headers=BOB, json={"reason": "no evidence"}
    )
    assert response.status_code == 200, response.text
    [published] = await api.outcomes(item.action_id)
    assert (published.status, published.decided_by, published.reason) == (
        "rejected",
        "bob",
        "no evidence",
    )
    assert api.recorder.calls(containing=str(item.action_id)) == []
    assert (await api.client.get(f"/v1/pending/{item.action_id}", headers=DEMO)).status_code == 404


async def test_approving_a_human_review_item_escalates_the_blocked_ticket(api: Api) -> None:
    blocked = blocked_ticket("instruction_override")
    item = pending_for_blocked(
        blocked, producer="approval@test", expires_at=utcnow() + timedelta(minutes=30)
    )
    await api.store.create(item)
    response = await api.client.post(f"/v1/pending/{item.action_id}/approve", headers=DEMO)
    assert response.status_code == 200, response.text
    [call] = api.recorder.calls("/tools/escalate_to_human", str(item.action_id))
    assert call.json()["args"]["reason"].startswith("the input guard blocked the ticket")


async def test_bad_decisions_change_nothing(api: Api) -> None:
    item = await api.seed("grant_compensation", amount=5, currency="gems", reason="double charge")
    base = f"/v1/pending/{item.action_id}"
    edited = await api.client.post(f"{base}/approve", headers=DEMO, json={"reply": "hi"})
    assert (edited.status_code, edited.json()["error"]["code"]) == (422, "invalid_decision")
    no_reason = await api.client.post(f"{base}/reject", headers=DEMO, json={})
    assert no_reason.status_code == 422
    unknown = await api.client.post(f"/v1/pending/{uuid.uuid4()}/approve", headers=DEMO)
    assert unknown.status_code == 404
    assert await api.store.get(item.action_id) == item
    assert api.recorder.calls(containing=str(item.action_id)) == []


async def test_tool_outage_gives_the_item_back(api: Api) -> None:
    item = await api.seed("create_ticket", title="Crash E-4012")
    url = f"/v1/pending/{item.action_id}/approve"
    api.recorder.answer("/tools/create_ticket", 503)
    try:
        failed = await api.client.post(url, headers=DEMO)
    finally:
        api.recorder.answer("/tools/create_ticket", 200)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"]
    assert await api.store.get(item.action_id) == item
    retried = await api.client.post(url, headers=DEMO)
    assert retried.status_code == 200
    assert retried.json()["status"] == "executed"
    assert len(api.recorder.calls("/tools/create_ticket", str(item.action_id))) == 2


async def test_concurrent_approvals_exactly_one_wins(api: Api) -> None:
    item = await api.seed()
    url = f"/v1/pending/{item.action_id}/approve"
    responses = await asyncio.gather(
        *(api.client.post(url, headers=DEMO if i % 2 else BOB) for i in range(6))
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 5
    assert len(api.recorder.calls("/tools/send_reply", str(item.action_id))) == 1


async def test_ops_routes(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"redis": True, "kafka": True}
    metrics = await api.client.get("/metrics")
    assert "triage_approval_decisions_total" in metrics.text
