"""create_ticket as a Linear GraphQL issueCreate (Linear's API mocked with respx)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
import respx

from libs.errors import PermanentError, TransientError
from services.approval.tools import LINEAR_ISSUE_CREATE, ActionContext, LinearTool, ToolRegistry

URL = "https://linear.test/graphql"
TOOL = LinearTool(URL, "lin_api_key", "team-1")
CTX = ActionContext(
    action_id=uuid.uuid4(),
    tool="create_ticket",
    args={"title": "Crash E-4012", "priority": "critical", "labels": ["crash", "pc"]},
    ticket_id="t-1",
    tenant="starfall",
    message_id="zd-1",
)


@respx.mock
async def test_posts_the_mutation_with_the_key_and_returns_the_issue() -> None:
    issue = {"id": "abc", "identifier": "ENG-12", "url": "https://linear.app/x/ENG-12"}
    route = respx.post(URL).respond(
        200, json={"data": {"issueCreate": {"success": True, "issue": issue}}}
    )
    async with httpx.AsyncClient() as client:
        result = await TOOL.call(client, CTX, None)
    assert result == {"tracker": "linear", **issue}
    request = route.calls.last.request
    assert request.headers["Authorization"] == "lin_api_key"
    body = json.loads(request.content)
    assert body["query"] == LINEAR_ISSUE_CREATE
    sent = body["variables"]["input"]
    assert (sent["teamId"], sent["title"], sent["priority"]) == ("team-1", "Crash E-4012", 1)
    assert "t-1" in sent["description"] and "crash, pc" in sent["description"]


@respx.mock
@pytest.mark.parametrize(
    "answer",
    [
        {"errors": [{"message": "Entity not found: team"}]},
        {"data": {"issueCreate": {"success": False, "issue": None}}},
    ],
)
async def test_graphql_errors_are_permanent(answer: dict[str, object]) -> None:
    respx.post(URL).respond(200, json=answer)
    async with httpx.AsyncClient() as client:
        with pytest.raises(PermanentError, match="issueCreate failed"):
            await TOOL.call(client, CTX, None)


@respx.mock
async def test_rate_limits_and_outages_are_transient() -> None:
    respx.post(URL).respond(429)
    async with httpx.AsyncClient() as client:
        with pytest.raises(TransientError):
            await TOOL.call(client, CTX, None)


def test_the_registry_uses_the_override_and_http_for_the_rest() -> None:
    registry = ToolRegistry.http(lambda t: f"http://sink/{t}", {"create_ticket": TOOL})
    assert registry.get("create_ticket") is TOOL
    assert registry.get("flag_account").url == "http://sink/flag_account"
