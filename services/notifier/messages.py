"""What the notifier says: channel-neutral notices rendered from the topic models.

A notice is rendered once per event; each channel turns it into its own wire
format (webhook JSON today, Telegram/Slack messages later), so every channel
tells approvers the same thing.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from schemas import ActionOutcome, ActionStatus, Category, PendingAction, PendingKind, Urgency

#: How long an argument listing may get in a chat message before it is cut.
ARGS_MAX_CHARS = 600
#: How long a draft reply may get in a chat message before it is cut.
DRAFT_MAX_CHARS = 1200


class _Notice(BaseModel):
    model_config = ConfigDict(frozen=True)

    def payload(self) -> dict[str, Any]:
        """The JSON body sent to HTTP receivers."""
        return self.model_dump(mode="json")


class ApprovalRequested(_Notice):
    """An action (or human-review item) waits for an approver."""

    type: Literal["approval_requested"] = "approval_requested"
    action_id: uuid.UUID
    ticket_id: str
    tenant: str
    kind: PendingKind
    tool: str
    args: dict[str, Any]
    reason: str
    category: Category | None
    urgency: Urgency | None
    draft_reply: str | None
    expires_at: datetime
    approve_url: str
    inbox_url: str = ""
    """The item in approval-api's inbox page, where a human sees the ticket and decides."""
    notice: str = "new"
    """new, reminder (a deadline is near) or escalated (a further tier is asked)."""
    tier: int = 0
    tier_name: str | None = None

    @property
    def title(self) -> str:
        """One line saying what is asked, and why again if this is a reminder or escalation."""
        what = (
            f"Human review needed ({self.tool})"
            if self.kind == "human_review"
            else f"Approval needed: {self.tool}"
        )
        if self.notice == "reminder":
            return f"Reminder: {what}"
        if self.notice == "escalated":
            return f"Escalated to {self.tier_name or f'tier {self.tier}'}: {what}"
        return what

    def facts(self) -> list[tuple[str, str]]:
        """Label/value pairs every chat channel shows, in this order."""
        facts = [("Tenant", self.tenant), ("Ticket", self.ticket_id), ("Why", self.reason)]
        if self.category:
            facts.append(("Category", self.category))
        if self.urgency:
            facts.append(("Urgency", self.urgency))
        facts.append(("Expires", self.expires_at.strftime("%Y-%m-%d %H:%M UTC")))
        return facts

    def args_text(self) -> str:
        """The arguments as compact JSON, cut to :data:`ARGS_MAX_CHARS`."""
        return _cut(json.dumps(self.args, ensure_ascii=False, sort_keys=True), ARGS_MAX_CHARS)

    def draft_text(self) -> str | None:
        return None if self.draft_reply is None else _cut(self.draft_reply, DRAFT_MAX_CHARS)

    def log_fields(self) -> dict[str, Any]:
        """What may appear in a log line: identifiers and the policy's reason, no PII."""
        return {
            "ticket_id": self.ticket_id,
            "action_id": str(self.action_id),
            "tool": self.tool,
            "reason": self.reason,
            "tenant": self.tenant,
            "kind": self.kind,
        }


class OutcomeCallback(_Notice):
    """What became of an action, for the upstream system that sent the ticket."""

    type: Literal["action_outcome"] = "action_outcome"
    ticket_id: str
    message_id: str
    tenant: str
    action_id: uuid.UUID
    tool: str
    status: ActionStatus
    decided_by: str
    decided_at: datetime
    reason: str | None
    error: str | None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def approve_url(approval_base_url: str, action_id: uuid.UUID) -> str:
    return f"{approval_base_url.rstrip('/')}/v1/pending/{action_id}"


def inbox_url(approval_base_url: str, action_id: uuid.UUID) -> str:
    return f"{approval_base_url.rstrip('/')}/inbox/items/{action_id}"


def approval_requested(pending: PendingAction, approval_base_url: str) -> ApprovalRequested:
    return ApprovalRequested(
        action_id=pending.action_id,
        ticket_id=pending.ticket_id,
        tenant=pending.tenant,
        kind=pending.kind,
        tool=pending.tool,
        args=pending.args,
        reason=pending.reason,
        category=pending.category,
        urgency=pending.urgency,
        draft_reply=pending.draft_reply,
        expires_at=pending.expires_at,
        approve_url=approve_url(approval_base_url, pending.action_id),
        inbox_url=inbox_url(approval_base_url, pending.action_id),
        # Tiers and reminders are optional in the topic contract: absent means a new item.
        notice=getattr(pending, "notice", "new"),
        tier=getattr(pending, "tier", 0),
        tier_name=getattr(pending, "tier_name", None),
    )


def outcome_callback(outcome: ActionOutcome) -> OutcomeCallback:
    return OutcomeCallback(
        ticket_id=outcome.ticket_id,
        message_id=outcome.message_id,
        tenant=outcome.tenant,
        action_id=outcome.action_id,
        tool=outcome.tool,
        status=outcome.status,
        decided_by=outcome.decided_by,
        decided_at=outcome.decided_at,
        reason=outcome.reason,
        error=outcome.error,
    )
