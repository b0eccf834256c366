"""Typed arguments of every tool in the registry.

The triager proposes actions with these arguments; the executor validates
them again before dispatch. A tool not named here does not exist.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ToolArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SendReplyArgs(ToolArgs):
    """Send the (approved) reply to the player through the upstream desk."""

    reply: str = Field(min_length=1, max_length=5000)


class CreateTicketArgs(ToolArgs):
    """Open an issue in the studio's tracker (bugs, outages)."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10000)
    priority: Literal["low", "medium", "high", "critical"] = "medium"
    labels: list[str] = Field(default_factory=list, max_length=10)


class EscalateToHumanArgs(ToolArgs):
    """Hand the ticket to a human agent queue."""

    reason: str = Field(min_length=1, max_length=1000)
    queue: str = "support"


class GrantCompensationArgs(ToolArgs):
    """Credit the player (game backend webhook); high risk."""

    amount: float = Field(gt=0, le=100000)
    currency: str = Field(min_length=1, max_length=16, description="ISO code or in-game currency")
    reason: str = Field(min_length=1, max_length=1000)


class FlagAccountArgs(ToolArgs):
    """Flag an account for the trust & safety team (game backend webhook); high risk."""

    reason: str = Field(min_length=1, max_length=1000)
    severity: Literal["low", "medium", "high"] = "medium"


TOOL_ARGS: dict[str, type[ToolArgs]] = {
    "send_reply": SendReplyArgs,
    "create_ticket": CreateTicketArgs,
    "escalate_to_human": EscalateToHumanArgs,
    "grant_compensation": GrantCompensationArgs,
    "flag_account": FlagAccountArgs,
}
