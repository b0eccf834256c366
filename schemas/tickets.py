"""Ticket topics: tickets.raw, tickets.guarded, tickets.blocked, tickets.triaged (all v1).

Player ids never travel raw: ingest replaces them with ``player_ref``, a keyed hash.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Literal

from pydantic import Field

from schemas.envelope import Contract, Envelope, UtcDatetime

Category = Literal[
    "billing",
    "account_access",
    "bug_report",
    "gameplay_question",
    "abuse_report",
    "feedback",
    "other",
]
CATEGORIES: tuple[Category, ...] = (
    "billing",
    "account_access",
    "bug_report",
    "gameplay_question",
    "abuse_report",
    "feedback",
    "other",
)
Urgency = Literal["low", "medium", "high", "critical"]
URGENCIES: tuple[Urgency, ...] = ("low", "medium", "high", "critical")
Sentiment = Literal["negative", "neutral", "positive"]
GuardVerdict = Literal["pass", "flag", "block"]
Severity = Literal["low", "medium", "high", "critical"]
PiiKind = Literal["email", "phone", "card", "iban", "ip", "secret"]
TriageSource = Literal["local", "claude", "fallback"]


class TicketBody(Contract):
    """What every ticket event repeats so each topic is readable on its own."""

    message_id: str = Field(description="upstream id, unique per tenant")
    player_ref: str = Field(description="keyed hash of the upstream player id")
    text: str = Field(description="raw on tickets.raw; PII-redacted on every later topic")
    channel: str = "web"
    locale: str | None = None
    callback_url: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    received_at: UtcDatetime


class RawTicket(Envelope, TicketBody):
    """tickets.raw.v1: a ticket as accepted by ingest."""

    SCHEMA: ClassVar[str] = "tickets.raw/1"


class GuardFinding(Contract):
    """One reason the input guard raised: which rule, how bad, where in the text."""

    rule_id: str
    kind: str = Field(description="e.g. instruction_override, secret_extraction, length")
    severity: Severity
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class PiiRedaction(Contract):
    """One redacted value: the placeholder that replaced it in ``text``."""

    kind: PiiKind
    placeholder: str


class GuardedTicket(Envelope, TicketBody):
    """tickets.guarded.v1: passed the input guard (``flag`` means untrusted)."""

    SCHEMA: ClassVar[str] = "tickets.guarded/1"

    verdict: Literal["pass", "flag"]
    findings: list[GuardFinding] = Field(default_factory=list)
    pii: list[PiiRedaction] = Field(default_factory=list)


class BlockedTicket(Envelope, TicketBody):
    """tickets.blocked.v1: stopped by the input guard; becomes a human-review item."""

    SCHEMA: ClassVar[str] = "tickets.blocked/1"

    findings: list[GuardFinding]
    pii: list[PiiRedaction] = Field(default_factory=list)


class Amount(Contract):
    value: float
    currency: str | None = None


class ExtractedFields(Contract):
    error_codes: list[str] = Field(default_factory=list)
    platform: str | None = None
    order_ids: list[str] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    game_mode: str | None = None


class ProposedAction(Contract):
    """An action the triager suggests; the approval policy decides whether it runs."""

    action_id: uuid.UUID
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class TriageCore(Contract):
    """What any triager concludes about a ticket (shared by the topic and the agent)."""

    category: Category
    urgency: Urgency
    sentiment: Sentiment = "neutral"
    language: str = "en"
    confidence: float = Field(ge=0.0, le=1.0)
    rationale: str = ""
    extracted: ExtractedFields = Field(default_factory=ExtractedFields)
    draft_reply: str


class Triage(TriageCore):
    proposed_actions: list[ProposedAction] = Field(default_factory=list)


class LlmUsage(Contract):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0


class TriagedTicket(Envelope, TicketBody):
    """tickets.triaged.v1: the triage of a guarded ticket, after the output guard."""

    SCHEMA: ClassVar[str] = "tickets.triaged/1"

    guard_verdict: Literal["pass", "flag"]
    guard_findings: list[GuardFinding] = Field(default_factory=list)
    triage: Triage
    source: TriageSource
    model: str
    review_reasons: list[str] = Field(
        default_factory=list, description="why the output guard sent it to a human"
    )
    usage: LlmUsage | None = None
