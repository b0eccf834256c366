"""Action proposal rules; every proposal must validate against the tool registry."""

from __future__ import annotations

import pytest

from schemas.tickets import Amount, ExtractedFields, Urgency
from schemas.tools import TOOL_ARGS
from services.agent.local.actions import compensation_amount, is_double_charge, propose
from services.agent.triager import ToolCall

DRAFT = "Hi,\n\nThanks for writing.\n\nStarfall Player Support"


def _propose(
    category: str,
    urgency: Urgency = "medium",
    text: str = "text",
    extracted: ExtractedFields | None = None,
    signals: list[str] | None = None,
) -> list[ToolCall]:
    calls = propose(
        text=text,
        category=category,  # type: ignore[arg-type]
        urgency=urgency,
        extracted=extracted or ExtractedFields(),
        draft=DRAFT,
        signals=signals or [],
    )
    for call in calls:
        TOOL_ARGS[call.tool].model_validate(call.args)
    return calls


def tools(calls: list[ToolCall]) -> list[str]:
    return [call.tool for call in calls]


@pytest.mark.parametrize(
    "category", ["gameplay_question", "feedback", "other", "account_access", "billing"]
)
def test_simple_tickets_only_get_a_reply(category: str) -> None:
    calls = _propose(category, "low")
    assert calls == [ToolCall("send_reply", {"reply": DRAFT})]


def test_bug_report_opens_a_tracker_issue_with_the_facts() -> None:
    extracted = ExtractedFields(error_codes=["SF-1042"], platform="ps5", game_mode="ranked")
    calls = _propose("bug_report", "high", "Crash on start, error SF-1042", extracted)
    assert tools(calls) == ["send_reply", "create_ticket"]
    ticket = calls[1].args
    assert ticket["title"].startswith("[ps5] SF-1042 Crash on start")
    assert ticket["priority"] == "high"
    assert ticket["labels"] == ["bug", "from-triage", "ps5", "ranked"]
    assert "Crash on start, error SF-1042" in ticket["description"]


def test_bug_title_is_cut_to_the_tool_limit() -> None:
    calls = _propose("bug_report", text="crash " * 500)
    assert len(calls[1].args["title"]) <= 200


def test_billing_double_charge_proposes_compensation_of_the_amount() -> None:
    extracted = ExtractedFields(
        amounts=[Amount(value=9.99, currency="EUR")], order_ids=["ORD-77AA88BB"]
    )
    calls = _propose("billing", "high", "charged twice, 9,99 € two times", extracted)
    assert tools(calls) == ["send_reply", "grant_compensation"]
    args = calls[1].args
    assert (args["amount"], args["currency"]) == (9.99, "EUR")
    assert "double charge" in args["reason"] and "ORD-77AA88BB" in args["reason"]


def test_billing_without_a_priced_amount_proposes_no_compensation() -> None:
    extracted = ExtractedFields(amounts=[Amount(value=5, currency=None)])
    assert tools(_propose("billing", "high", "charged twice", extracted)) == ["send_reply"]


def test_compensation_prefers_in_game_currency_and_respects_the_limit() -> None:
    extracted = ExtractedFields(
        amounts=[Amount(value=9.99, currency="USD"), Amount(value=1200, currency="gems")]
    )
    assert compensation_amount(extracted) == (1200, "gems")
    too_big = ExtractedFields(amounts=[Amount(value=5_000_000, currency="gems")])
    assert compensation_amount(too_big) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("charged twice", True),
        ("zweimal abgebucht", True),
        ("débité deux fois", True),
        ("me cobraron dos veces", True),
        ("cobrança duplicada", True),
        ("bought the pass once", False),
    ],
)
def test_double_charge_detection(text: str, expected: bool) -> None:
    assert is_double_charge(text) is expected


@pytest.mark.parametrize(
    ("urgency", "severity"), [("low", "low"), ("medium", "medium"), ("critical", "high")]
)
def test_abuse_report_flags_the_account(urgency: Urgency, severity: str) -> None:
    calls = _propose("abuse_report", urgency, "player uses an aimbot")
    flag = next(c for c in calls if c.tool == "flag_account")
    assert flag.args["severity"] == severity
    assert "aimbot" in flag.args["reason"]


def test_critical_tickets_are_escalated_to_the_right_queue() -> None:
    calls = _propose("account_access", "critical", "hacked", signals=["account_takeover"])
    assert tools(calls) == ["send_reply", "escalate_to_human"]
    assert calls[1].args == {
        "reason": "critical account_access ticket (account_takeover)",
        "queue": "account_security",
    }
    abuse = _propose("abuse_report", "critical", signals=["safety"])
    assert tools(abuse) == ["send_reply", "flag_account", "escalate_to_human"]
    assert abuse[-1].args["queue"] == "trust_safety"
