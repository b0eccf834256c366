"""The output guard: checks every draft reply and proposed action before it leaves the agent.

A pure function of the triage outcome, the ticket's PII redactions and the policy.
Each check either repairs the text (a link outside the allowlist is removed, a
credential is masked) or records a review reason, which makes the approval policy
put the ticket in front of a human. A masked credential does both: a draft that
contained one means something upstream went wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from pydantic import ValidationError

from schemas.tickets import PiiRedaction
from schemas.tools import TOOL_ARGS
from services.agent.settings import AgentSettings
from services.agent.triager import ToolCall, TriageOutcome

REDACTED = "[REDACTED]"

_SECRETS = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"
    r"|\bAKIA[0-9A-Z]{16}\b"
    r"|\bsk-(?:ant-)?[A-Za-z0-9_\-]{20,}"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"
    r"|\bxox[abprs]-[A-Za-z0-9\-]{10,}"
    r"|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"
    r"|\bBearer\s+[A-Za-z0-9._~+/\-]{16,}=*"
    r"|\b(?:password|passwort|kennwort|mot de passe|contraseña|senha|api[_ -]?key|secret"
    r"|token)\s*[:=]\s*\S+",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"'\]]+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN|IP|SECRET)_\d+\]")
_TRAILING_PUNCT = ".,;:!?"


class Issue(NamedTuple):
    """One finding: ``code`` is a stable label (metrics), ``detail`` is for the reviewer."""

    code: str
    detail: str

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


@dataclass(frozen=True)
class OutputPolicy:
    url_allowlist: tuple[str, ...]
    forbidden_phrases: tuple[str, ...]
    confidence_floor: float

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> OutputPolicy:
        return cls(
            url_allowlist=tuple(h.lower().strip(".") for h in settings.agent_url_allowlist),
            forbidden_phrases=tuple(p.lower() for p in settings.agent_forbidden_phrases),
            confidence_floor=settings.agent_confidence_floor,
        )

    def allows_url(self, url: str) -> bool:
        target = url if "://" in url else f"https://{url}"
        host = (urlsplit(target).hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.url_allowlist)


@dataclass(frozen=True)
class GuardResult:
    outcome: TriageOutcome
    #: Why a human must look (each one goes to ``TriagedTicket.review_reasons``).
    review: tuple[Issue, ...]
    #: What was changed in place (logged and counted, no review needed on their own).
    repairs: tuple[Issue, ...]

    @property
    def review_reasons(self) -> list[str]:
        return [str(issue) for issue in self.review]


def _strip_url(match: re.Match[str], policy: OutputPolicy, repairs: list[Issue]) -> str:
    url = match.group(0).rstrip(_TRAILING_PUNCT)
    trailing = match.group(0)[len(url) :]
    if policy.allows_url(url):
        return match.group(0)
    repairs.append(Issue("url_removed", url[:200]))
    return trailing


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([.,;:!?])", r"\1", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _repair_text(text: str, policy: OutputPolicy) -> tuple[str, list[Issue], list[Issue]]:
    """(repaired text, review issues, repairs) for one player-facing text."""
    review: list[Issue] = []
    repairs: list[Issue] = []
    secrets = _SECRETS.findall(text)
    if secrets:
        text = _SECRETS.sub(REDACTED, text)
        review.append(Issue("secret_in_draft", f"{len(secrets)} credential(s) masked"))
    before = text
    text = _URL.sub(lambda m: _strip_url(m, policy, repairs), text)
    if text != before:
        text = _tidy(text)
    return text, review, repairs


def _placeholders(text: str, pii: Sequence[PiiRedaction]) -> list[str]:
    found = set(_PLACEHOLDER.findall(text))
    found.update(r.placeholder for r in pii if r.placeholder and r.placeholder in text)
    return sorted(found)


def _forbidden(text: str, policy: OutputPolicy) -> list[str]:
    flat = " ".join(text.lower().split())
    return [phrase for phrase in policy.forbidden_phrases if phrase in flat]


def _content_issues(text: str, pii: Sequence[PiiRedaction], policy: OutputPolicy) -> list[Issue]:
    issues = [Issue("pii_placeholder_in_draft", p) for p in _placeholders(text, pii)]
    issues += [Issue("forbidden_promise", repr(p)) for p in _forbidden(text, policy)]
    return issues


def _valid_action(call: ToolCall) -> Issue | None:
    model = TOOL_ARGS.get(call.tool)
    if model is None:
        return Issue("invalid_action", f"unknown tool {call.tool!r}")
    try:
        model.model_validate(call.args)
    except ValidationError as exc:
        return Issue("invalid_action", f"{call.tool}: {exc.error_count()} invalid argument(s)")
    return None


def _unique(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(dict.fromkeys(issues))


def guard_output(
    outcome: TriageOutcome, pii: Sequence[PiiRedaction], policy: OutputPolicy
) -> GuardResult:
    review: list[Issue] = []
    repairs: list[Issue] = []

    def check(text: str) -> str:
        repaired, text_review, text_repairs = _repair_text(text, policy)
        review.extend(text_review + _content_issues(repaired, pii, policy))
        repairs.extend(text_repairs)
        return repaired

    draft = check(outcome.draft_reply)
    actions: list[ToolCall] = []
    for call in outcome.actions:
        if call.tool == "send_reply" and isinstance(call.args.get("reply"), str):
            call = ToolCall(call.tool, {**call.args, "reply": check(call.args["reply"])})
        problem = _valid_action(call)
        if problem:
            review.append(problem)
        else:
            actions.append(call)
    if outcome.confidence < policy.confidence_floor:
        review.append(
            Issue("low_confidence", f"{outcome.confidence:.2f} < {policy.confidence_floor:.2f}")
        )
    repaired = outcome.model_copy(update={"draft_reply": draft, "actions": tuple(actions)})
    return GuardResult(repaired, _unique(review), _unique(repairs))
