"""Action topics: actions.pending.v1 (awaiting a human) and actions.executed.v1 (outcomes)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Literal

from pydantic import Field

from schemas.envelope import Envelope, UtcDatetime
from schemas.tickets import Category, GuardFinding, Urgency

PendingKind = Literal["action", "human_review"]
ActionStatus = Literal["executed", "failed", "rejected", "expired"]
DecisionChannel = Literal["policy", "api", "inbox", "link", "telegram", "slack", "expiry"]
#: Why a PendingAction was published: a new item, a reminder before its tier's
#: deadline, or an escalation to the next tier of approvers.
PendingNotice = Literal["new", "reminder", "escalated"]


class PendingAction(Envelope):
    """actions.pending.v1: an action (or a blocked ticket) that waits for an approver."""

    SCHEMA: ClassVar[str] = "actions.pending/1"

    action_id: uuid.UUID
    kind: PendingKind
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    reason: str = Field(description="why the policy wants a human")
    message_id: str
    player_ref: str
    text: str = Field(description="PII-redacted ticket text")
    category: Category | None = None
    urgency: Urgency | None = None
    confidence: float | None = None
    draft_reply: str | None = None
    guard_findings: list[GuardFinding] = Field(default_factory=list)
    callback_url: str | None = None
    expires_at: UtcDatetime
    tier: int = Field(default=0, ge=0, description="escalation tier, 0 = first approvers")
    tier_name: str | None = Field(default=None, description="who is asked at this tier")
    tier_deadline: UtcDatetime | None = Field(
        default=None, description="when the item moves to the next tier (or expires)"
    )
    notice: PendingNotice = "new"


class ActionOutcome(Envelope):
    """actions.executed.v1: what became of an action, and who decided it."""

    SCHEMA: ClassVar[str] = "actions.executed/1"

    action_id: uuid.UUID
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    status: ActionStatus
    decided_by: str = Field(description="'policy' or the approver's name")
    decision_channel: DecisionChannel
    decided_at: UtcDatetime
    reason: str | None = None
    result: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    message_id: str
    callback_url: str | None = None
