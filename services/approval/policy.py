"""The approval policy: which proposed action runs at once, waits for a human, or never runs.

The policy is data (a YAML file validated at start-up) and :func:`decide` is a
pure function of (action, ticket, policy), so every rule is testable as a table.
One rule is not configurable: nothing runs automatically for a ticket the input
guard flagged or the output guard sent to review, because that is exactly when
the triage may have been steered by the player's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas import ProposedAction, TriagedTicket, Urgency
from schemas.tools import TOOL_ARGS

Mode = Literal["auto", "approve", "deny"]
Risk = Literal["low", "medium", "high"]
Outcome = Literal["auto", "approve", "deny"]


class PolicyError(Exception):
    """The policy file is missing, not YAML, or not a valid policy."""


class _Strict(BaseModel):
    # A typo in a policy must fail loudly rather than silently loosen a rule.
    model_config = ConfigDict(extra="forbid", frozen=True)


_M = TypeVar("_M", bound=_Strict)


class ToolRule(_Strict):
    """How one tool is treated; in a tenant override only the fields given replace the base."""

    risk: Risk = "high"
    mode: Mode = "approve"
    #: Ticket urgencies for which an otherwise automatic run waits for a human.
    approve_urgencies: frozenset[Urgency] = frozenset()
    #: Above this ``args.amount`` an otherwise automatic run waits for a human.
    max_auto_amount: float | None = Field(default=None, ge=0)


class Thresholds(_Strict):
    """Minimum triage confidence for running a tool without a human, by the tool's risk."""

    low: float = Field(default=0.6, ge=0.0, le=1.0)
    medium: float = Field(default=0.75, ge=0.0, le=1.0)
    high: float = Field(default=0.9, ge=0.0, le=1.0)


class TenantPolicy(_Strict):
    """A tenant's deviations from the base policy; only the fields given are replaced."""

    auto_confidence: Thresholds = Field(default_factory=Thresholds)
    tools: dict[str, ToolRule] = Field(default_factory=dict)


def _merge(base: _M, override: _M | None) -> _M:
    if override is None:
        return base
    return base.model_copy(update=override.model_dump(exclude_unset=True))


class Policy(_Strict):
    version: Literal[1] = 1
    auto_confidence: Thresholds = Field(default_factory=Thresholds)
    tools: dict[str, ToolRule]
    tenants: dict[str, TenantPolicy] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_tools(self) -> Self:
        named = set(self.tools) | {t for tenant in self.tenants.values() for t in tenant.tools}
        unknown = sorted(named - set(TOOL_ARGS))
        if unknown:
            raise ValueError(f"unknown tools {unknown}; the registry has {sorted(TOOL_ARGS)}")
        return self

    def rule_for(self, tenant: str, tool: str) -> ToolRule | None:
        """The tool's rule for this tenant, or None when the policy does not know the tool."""
        base = self.tools.get(tool)
        tenant_policy = self.tenants.get(tenant)
        override = tenant_policy.tools.get(tool) if tenant_policy else None
        if base is None and override is None:
            return None
        return _merge(base or ToolRule(), override)

    def threshold(self, tenant: str, risk: Risk) -> float:
        tenant_policy = self.tenants.get(tenant)
        override = tenant_policy.auto_confidence if tenant_policy else None
        thresholds = _merge(self.auto_confidence, override)
        return float(getattr(thresholds, risk))


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str


def _untrusted(ticket: TriagedTicket) -> str | None:
    if ticket.guard_verdict == "flag":
        return "the input guard flagged the ticket"
    if ticket.review_reasons:
        return "the output guard sent the ticket to review: " + "; ".join(ticket.review_reasons)
    return None


def decide(action: ProposedAction, ticket: TriagedTicket, policy: Policy) -> Decision:
    """What to do with one proposed action of a triaged ticket."""
    tool = action.tool
    rule = policy.rule_for(ticket.tenant, tool) if tool in TOOL_ARGS else None
    if rule is None:
        return Decision("deny", f"unknown tool {tool!r}")
    if rule.mode == "deny":
        return Decision("deny", f"policy denies {tool!r}")
    try:
        args = TOOL_ARGS[tool].model_validate(action.args)
    except ValidationError as exc:
        return Decision("deny", f"invalid arguments for {tool!r}: {exc.error_count()} error(s)")
    if rule.mode == "approve":
        return Decision("approve", f"policy requires approval for {tool!r} ({rule.risk} risk)")
    untrusted = _untrusted(ticket)
    if untrusted:
        return Decision("approve", untrusted)
    triage = ticket.triage
    threshold = policy.threshold(ticket.tenant, rule.risk)
    if triage.confidence < threshold:
        below = f"confidence {triage.confidence:.2f} is below {threshold:.2f}"
        return Decision("approve", f"{below} for {rule.risk}-risk tools")
    if triage.urgency in rule.approve_urgencies:
        return Decision("approve", f"{triage.urgency} urgency requires approval for {tool!r}")
    amount = getattr(args, "amount", None)
    if rule.max_auto_amount is not None and amount is not None and amount > rule.max_auto_amount:
        return Decision(
            "approve", f"amount {amount:g} exceeds the auto limit {rule.max_auto_amount:g}"
        )
    return Decision("auto", f"within policy ({rule.risk} risk, confidence {triage.confidence:.2f})")


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)


def load_policy(path: Path) -> Policy:
    """Read and validate the policy file; any problem is a :class:`PolicyError` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read approval policy {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"approval policy {path} is not valid YAML: {exc}") from exc
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"approval policy {path} is invalid:\n{_describe(exc)}") from exc
