"""Which registry tools the local triager proposes, with arguments valid for the tool.

Rules: always ``send_reply`` with the draft; a bug opens a tracker issue; a billing
ticket with an amount proposes compensation of that amount (high risk: the approval
policy puts it in front of a human); an abuse report flags the account; a critical
ticket also goes to a human queue. Arguments are built through the ``TOOL_ARGS``
models, so an invalid proposal fails here rather than at the executor.
"""

from __future__ import annotations

import re
from typing import Literal

from schemas.tickets import Category, ExtractedFields, Urgency
from schemas.tools import (
    CreateTicketArgs,
    EscalateToHumanArgs,
    FlagAccountArgs,
    GrantCompensationArgs,
    SendReplyArgs,
    ToolArgs,
)
from services.agent.triager import ToolCall

_DOUBLE_CHARGE = re.compile(
    r"\b(?:twice|two times|double(?:d)?|x2|2x|zweimal|doppelt\w*|deux fois|doubl\w*|dos veces"
    r"|dobles?|cobro doble|duas vezes|duplicad\w*)\b",
    re.IGNORECASE,
)
_IN_GAME = {"gems", "coins"}
_MAX_COMPENSATION = 100_000
_QUEUE: dict[Category, str] = {
    "billing": "billing",
    "account_access": "account_security",
    "abuse_report": "trust_safety",
}
_FLAG_SEVERITY: dict[Urgency, Literal["low", "medium", "high"]] = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "high",
}


def _call(tool: str, args: ToolArgs) -> ToolCall:
    return ToolCall(tool, args.model_dump())


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def is_double_charge(text: str) -> bool:
    return bool(_DOUBLE_CHARGE.search(text))


def compensation_amount(extracted: ExtractedFields) -> tuple[float, str] | None:
    """(value, currency) to credit: in-game currency if the player names one, else the first
    price; none when no amount has a currency or it is out of the tool's range."""
    usable = [
        (a.value, a.currency)
        for a in extracted.amounts
        if a.currency and 0 < a.value <= _MAX_COMPENSATION
    ]
    in_game = [a for a in usable if a[1] in _IN_GAME]
    candidates = in_game or usable
    return candidates[0] if candidates else None


def _bug_ticket(text: str, urgency: Urgency, extracted: ExtractedFields) -> ToolCall:
    prefix = " ".join(
        part
        for part in (
            f"[{extracted.platform}]" if extracted.platform else "",
            extracted.error_codes[0] if extracted.error_codes else "",
        )
        if part
    )
    title = f"{prefix} {_excerpt(text, 120)}".strip()
    labels = ["bug", "from-triage"]
    labels += [v for v in (extracted.platform, extracted.game_mode) if v]
    description = (
        f"Player report (PII redacted):\n\n{_excerpt(text, 8000)}\n\n"
        f"Extracted: {extracted.model_dump_json(exclude_defaults=True)}"
    )
    return _call(
        "create_ticket",
        CreateTicketArgs(
            title=title[:200], description=description, priority=urgency, labels=labels[:10]
        ),
    )


def _compensation(text: str, amount: tuple[float, str], extracted: ExtractedFields) -> ToolCall:
    value, currency = amount
    what = "a double charge" if is_double_charge(text) else "a disputed payment"
    order = f" (order {', '.join(extracted.order_ids[:3])})" if extracted.order_ids else ""
    reason = (
        f"Player reports {what} of {value:g} {currency}{order}; "
        "verify the transaction with the store before approving."
    )
    return _call(
        "grant_compensation", GrantCompensationArgs(amount=value, currency=currency, reason=reason)
    )


def propose(
    *,
    text: str,
    category: Category,
    urgency: Urgency,
    extracted: ExtractedFields,
    draft: str,
    signals: list[str],
) -> list[ToolCall]:
    calls = [_call("send_reply", SendReplyArgs(reply=draft))]
    if category == "bug_report":
        calls.append(_bug_ticket(text, urgency, extracted))
    if category == "billing":
        amount = compensation_amount(extracted)
        if amount is not None:
            calls.append(_compensation(text, amount, extracted))
    if category == "abuse_report":
        reason = f"Player report: {_excerpt(text, 900)}"
        calls.append(
            _call(
                "flag_account",
                FlagAccountArgs(reason=reason, severity=_FLAG_SEVERITY[urgency]),
            )
        )
    if urgency == "critical":
        why = ", ".join(signals) if signals else "classifier"
        calls.append(
            _call(
                "escalate_to_human",
                EscalateToHumanArgs(
                    reason=f"critical {category} ticket ({why})",
                    queue=_QUEUE.get(category, "support"),
                ),
            )
        )
    return calls
