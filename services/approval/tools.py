"""The tool registry: the only way an action reaches the outside world.

Every tool of :data:`schemas.tools.TOOL_ARGS` is an HTTP adapter that POSTs
``{action_id, ticket_id, tenant, message_id, tool, args}`` to its endpoint (the
game backend webhooks, the desk, a local sink), except ``create_ticket`` when
it is configured to open Linear issues through Linear's GraphQL API.
Arguments are validated again here, whatever the policy saw, and a tool the
registry does not know is an error rather than a silent no-op.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx

from libs.errors import PermanentError
from libs.outbound import post_json, response_json
from schemas import PendingAction, ProposedAction, TriagedTicket
from schemas.tools import TOOL_ARGS, CreateTicketArgs, ToolArgs

#: Linear's issueCreate mutation; the answer names the new issue.
LINEAR_ISSUE_CREATE = (
    "mutation IssueCreate($input: IssueCreateInput!) "
    "{ issueCreate(input: $input) { success issue { id identifier url } } }"
)
#: Linear priorities: 1 urgent, 2 high, 3 medium, 4 low.
LINEAR_PRIORITY = {"critical": 1, "high": 2, "medium": 3, "low": 4}


class UnknownToolError(PermanentError):
    """The action names a tool the registry does not have."""


@dataclass(frozen=True)
class ActionContext:
    """One action with the ticket facts a tool and its outcome need."""

    action_id: uuid.UUID
    tool: str
    args: dict[str, Any]
    ticket_id: str
    tenant: str
    message_id: str
    callback_url: str | None = None

    @classmethod
    def proposed(cls, ticket: TriagedTicket, action: ProposedAction) -> ActionContext:
        return cls(
            action_id=action.action_id,
            tool=action.tool,
            args=dict(action.args),
            ticket_id=ticket.ticket_id,
            tenant=ticket.tenant,
            message_id=ticket.message_id,
            callback_url=ticket.callback_url,
        )

    @classmethod
    def pending(cls, item: PendingAction) -> ActionContext:
        return cls(
            action_id=item.action_id,
            tool=item.tool,
            args=dict(item.args),
            ticket_id=item.ticket_id,
            tenant=item.tenant,
            message_id=item.message_id,
            callback_url=item.callback_url,
        )

    def with_args(self, args: dict[str, Any]) -> ActionContext:
        return replace(self, args=args)

    def payload(self, args: ToolArgs) -> dict[str, Any]:
        return {
            "action_id": str(self.action_id),
            "ticket_id": self.ticket_id,
            "tenant": self.tenant,
            "message_id": self.message_id,
            "tool": self.tool,
            "args": args.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class HttpTool:
    """A tool carried out by the system behind ``url``."""

    name: str
    url: str
    args_model: type[ToolArgs]

    async def call(
        self, client: httpx.AsyncClient, ctx: ActionContext, signing_secret: str | None
    ) -> dict[str, Any]:
        """POST the action; raises ValidationError, PermanentError or TransientError."""
        args = self.args_model.model_validate(ctx.args)
        response = await post_json(
            client,
            self.url,
            ctx.payload(args),
            signing_secret=signing_secret,
            # Lets the tool drop a repeat that slipped past our own idempotency marker.
            headers={"Idempotency-Key": str(ctx.action_id)},
        )
        return response_json(response)


def linear_issue_input(args: CreateTicketArgs, ctx: ActionContext, team_id: str) -> dict[str, Any]:
    """The IssueCreateInput for a create_ticket action (labels and ids go in the text)."""
    footer = [f"Triage ticket `{ctx.ticket_id}` ({ctx.tenant}, message `{ctx.message_id}`)"]
    if args.labels:
        footer.append("Labels: " + ", ".join(args.labels))
    description = "\n\n".join(part for part in [args.description, *footer] if part)
    return {
        "teamId": team_id,
        "title": args.title,
        "description": description,
        "priority": LINEAR_PRIORITY[args.priority],
    }


@dataclass(frozen=True)
class LinearTool:
    """create_ticket as a Linear issue: a GraphQL ``issueCreate`` with the API key."""

    url: str
    api_key: str
    team_id: str

    async def call(
        self, client: httpx.AsyncClient, ctx: ActionContext, signing_secret: str | None
    ) -> dict[str, Any]:
        """Open the issue; GraphQL errors (answered with 200) are permanent failures."""
        args = CreateTicketArgs.model_validate(ctx.args)
        payload = {
            "query": LINEAR_ISSUE_CREATE,
            "variables": {"input": linear_issue_input(args, ctx, self.team_id)},
        }
        response = await post_json(
            client, self.url, payload, headers={"Authorization": self.api_key}
        )
        answer = response_json(response)
        errors = answer.get("errors")
        created = (answer.get("data") or {}).get("issueCreate") or {}
        if errors or not created.get("success"):
            messages = [str(e.get("message", e)) for e in errors or [] if isinstance(e, dict)]
            raise PermanentError(f"linear issueCreate failed: {'; '.join(messages) or answer}")
        return {"tracker": "linear", **(created.get("issue") or {})}


Tool = HttpTool | LinearTool


class ToolRegistry:
    def __init__(self, tools: Mapping[str, Tool]) -> None:
        self._tools = dict(tools)

    @classmethod
    def http(
        cls, url_for: Callable[[str], str], overrides: Mapping[str, Tool] | None = None
    ) -> ToolRegistry:
        """One HTTP tool per registered argument schema at ``url_for(name)``, or its override."""
        tools: dict[str, Tool] = {
            name: HttpTool(name, url_for(name), model) for name, model in TOOL_ARGS.items()
        }
        return cls({**tools, **(overrides or {})})

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise UnknownToolError(f"unknown tool {name!r}") from None
