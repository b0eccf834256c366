"""What the notifier says: channel-neutral notices rendered from the topic models.

A notice is rendered once per event; each channel turns it into its own wire
format (webhook JSON today, Telegram/Slack messages later), so every channel
tells approvers the same thing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from schemas import ActionOutcome, ActionStatus, Category, PendingAction, PendingKind, Urgency


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


def approve_url(approval_base_url: str, action_id: uuid.UUID) -> str:
    return f"{approval_base_url.rstrip('/')}/v1/pending/{action_id}"


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
