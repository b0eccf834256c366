"""The approval policy as a decision table, its defaults, and its validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.approval.policy import Policy, PolicyError, decide, load_policy
from services.approval.settings import PACKAGED_POLICY
from tests.support.tickets import action, triaged_ticket

POLICY = Policy.model_validate(
    yaml.safe_load(
        """
        auto_confidence: {low: 0.6, medium: 0.75, high: 0.9}
        tools:
          send_reply: {risk: low, mode: auto, approve_urgencies: [critical]}
          create_ticket: {risk: medium, mode: auto}
          escalate_to_human: {risk: low, mode: auto}
          grant_compensation: {risk: high, mode: approve}
          flag_account: {risk: high, mode: deny}
        tenants:
          generous:
            auto_confidence: {low: 0.8}
            tools:
              grant_compensation: {mode: auto, max_auto_amount: 10}
              flag_account: {mode: approve}
          strict:
            tools:
              send_reply: {mode: approve}
        """
    )
)

REPLY = {"reply": "We are on it."}
TICKET = {"title": "Crash E-4012"}
ESCALATE = {"reason": "angry whale"}
FLAG = {"reason": "cheating"}


def grant(amount: float) -> dict[str, Any]:
    return {"amount": amount, "currency": "gems", "reason": "double charge"}


# tool, args, confidence, urgency, verdict, review reasons, tenant -> outcome, reason fragment
MATRIX = [
    ("send_reply", REPLY, 0.9, "medium", "pass", [], "acme", "auto", "within policy"),
    ("send_reply", REPLY, 0.6, "medium", "pass", [], "acme", "auto", "within policy"),
    ("send_reply", REPLY, 0.59, "medium", "pass", [], "acme", "approve", "below 0.60"),
    ("send_reply", REPLY, 0.9, "medium", "flag", [], "acme", "approve", "flagged"),
    ("send_reply", REPLY, 0.9, "medium", "pass", ["leak"], "acme", "approve", "review: leak"),
    ("send_reply", REPLY, 0.9, "critical", "pass", [], "acme", "approve", "critical urgency"),
    ("send_reply", REPLY, 0.9, "high", "pass", [], "acme", "auto", "within policy"),
    ("send_reply", REPLY, 0.7, "medium", "pass", [], "generous", "approve", "below 0.80"),
    ("send_reply", REPLY, 0.85, "medium", "pass", [], "generous", "auto", "within policy"),
    ("send_reply", REPLY, 0.99, "low", "pass", [], "strict", "approve", "requires approval"),
    ("send_reply", {}, 0.99, "low", "pass", [], "acme", "deny", "invalid arguments"),
    ("create_ticket", TICKET, 0.7, "high", "pass", [], "acme", "approve", "below 0.75"),
    ("create_ticket", TICKET, 0.8, "high", "pass", [], "acme", "auto", "medium risk"),
    ("escalate_to_human", ESCALATE, 0.99, "low", "flag", [], "acme", "approve", "flagged"),
    ("escalate_to_human", ESCALATE, 0.6, "critical", "pass", [], "acme", "auto", "low risk"),
    ("grant_compensation", grant(5), 0.99, "low", "pass", [], "acme", "approve", "requires"),
    ("grant_compensation", grant(5), 0.95, "low", "pass", [], "generous", "auto", "high risk"),
    ("grant_compensation", grant(10), 0.95, "low", "pass", [], "generous", "auto", "high risk"),
    ("grant_compensation", grant(50), 0.95, "low", "pass", [], "generous", "approve", "amount 50"),
    ("grant_compensation", grant(5), 0.85, "low", "pass", [], "generous", "approve", "below 0.90"),
    ("grant_compensation", grant(5), 0.95, "low", "flag", [], "generous", "approve", "flagged"),
    ("grant_compensation", grant(5), 0.95, "low", "pass", ["x"], "generous", "approve", "review"),
    ("flag_account", FLAG, 0.99, "high", "pass", [], "acme", "deny", "policy denies"),
    ("flag_account", FLAG, 0.99, "high", "flag", [], "acme", "deny", "policy denies"),
    ("flag_account", FLAG, 0.99, "high", "pass", [], "generous", "approve", "requires"),
    ("refund_everything", {}, 0.99, "low", "pass", [], "acme", "deny", "unknown tool"),
    ("refund_everything", {}, 0.99, "low", "pass", [], "generous", "deny", "unknown tool"),
]


@pytest.mark.parametrize(
    ("tool", "args", "confidence", "urgency", "verdict", "review", "tenant", "outcome", "why"),
    MATRIX,
)
def test_decision_table(
    tool: str,
    args: dict[str, Any],
    confidence: float,
    urgency: str,
    verdict: str,
    review: list[str],
    tenant: str,
    outcome: str,
    why: str,
) -> None:
    proposed = action(tool, **args)
    ticket = triaged_ticket(
        proposed,
        tenant=tenant,
        confidence=confidence,
        urgency=urgency,
        verdict=verdict,
        review_reasons=review,
    )
    decision = decide(proposed, ticket, POLICY)
    assert (decision.outcome, why in decision.reason) == (outcome, True), decision.reason


def test_tenant_override_replaces_only_the_fields_it_names() -> None:
    rule = POLICY.rule_for("generous", "grant_compensation")
    assert rule is not None
    assert (rule.mode, rule.risk, rule.max_auto_amount) == ("auto", "high", 10)
    assert POLICY.threshold("generous", "low") == 0.8
    assert POLICY.threshold("generous", "medium") == 0.75
    assert POLICY.rule_for("acme", "grant_compensation") == POLICY.tools["grant_compensation"]


SHIPPED = load_policy(PACKAGED_POLICY)


@pytest.mark.parametrize(
    ("tool", "args", "confidence", "outcome"),
    [
        ("send_reply", REPLY, 0.6, "auto"),
        ("create_ticket", TICKET, 0.6, "auto"),
        ("escalate_to_human", ESCALATE, 0.6, "auto"),
        ("send_reply", REPLY, 0.55, "approve"),
        ("grant_compensation", grant(1), 1.0, "approve"),
        ("flag_account", FLAG, 1.0, "approve"),
        ("teleport_player", {}, 1.0, "deny"),
    ],
)
def test_shipped_policy_defaults(
    tool: str, args: dict[str, Any], confidence: float, outcome: str
) -> None:
    proposed = action(tool, **args)
    ticket = triaged_ticket(proposed, tenant="starfall", confidence=confidence)
    assert decide(proposed, ticket, SHIPPED).outcome == outcome


@pytest.mark.parametrize("verdict, review", [("flag", []), ("pass", ["pii in reply"])])
def test_shipped_policy_never_auto_runs_for_untrusted_tickets(
    verdict: str, review: list[str]
) -> None:
    for tool, args in [("send_reply", REPLY), ("escalate_to_human", ESCALATE)]:
        proposed = action(tool, **args)
        ticket = triaged_ticket(proposed, confidence=1.0, verdict=verdict, review_reasons=review)
        assert decide(proposed, ticket, SHIPPED).outcome == "approve"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tools:\n  send_reply: {mode: sometimes}\n", "tools.send_reply.mode"),
        ("tools:\n  send_reply: {mod: auto}\n", "tools.send_reply.mod"),
        ("tools:\n  refund: {mode: auto}\n", "unknown tools ['refund']"),
        ("tools: {}\ntenants:\n  x:\n    tools:\n      refund: {}\n", "unknown tools ['refund']"),
        ("tools: {}\nauto_confidence: {low: 1.5}\n", "auto_confidence.low"),
        ("tools:\n  grant_compensation: {max_auto_amount: -1}\n", "max_auto_amount"),
        ("version: 2\ntools: {}\n", "version"),
        ("auto_confidence: {}\n", "tools: Field required"),
        ("", "Input should be a valid dictionary"),
        ("tools: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_policy_file_is_refused_with_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_policy_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read approval policy"):
        load_policy(tmp_path / "absent.yaml")
