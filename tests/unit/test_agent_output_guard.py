"""Output guard: each check repairs the draft or sends the ticket to a human."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.tickets import PiiRedaction
from services.agent.output_guard import REDACTED, GuardResult, OutputPolicy, guard_output
from services.agent.settings import AgentSettings
from services.agent.triager import ToolCall, TriageOutcome

POLICY = OutputPolicy(
    url_allowlist=("support.starfall.example",),
    forbidden_phrases=("full refund", "we will compensate you"),
    confidence_floor=0.5,
)


def outcome(draft: str, confidence: float = 0.9, *extra: ToolCall) -> TriageOutcome:
    return TriageOutcome(
        category="billing",
        urgency="high",
        confidence=confidence,
        draft_reply=draft,
        actions=(ToolCall("send_reply", {"reply": draft}), *extra),
        source="claude",
        model="test-model",
    )


def guard(
    draft: str, confidence: float = 0.9, *extra: ToolCall, pii: Sequence[PiiRedaction] = ()
) -> GuardResult:
    return guard_output(outcome(draft, confidence, *extra), pii, POLICY)


def codes(result: GuardResult) -> list[str]:
    return [issue.code for issue in result.review]


def test_clean_draft_passes_unchanged() -> None:
    result = guard("Hi, our billing team will check the transaction.")
    assert result.review == () and result.repairs == ()
    assert result.outcome == outcome("Hi, our billing team will check the transaction.")


def test_url_outside_allowlist_is_stripped_from_draft_and_reply_action() -> None:
    result = guard("Hi, reset it at https://evil.example/login?x=1. Thanks!")
    assert result.outcome.draft_reply == "Hi, reset it at. Thanks!"
    assert result.outcome.actions[0].args["reply"] == result.outcome.draft_reply
    assert [issue.code for issue in result.repairs] == ["url_removed"]
    assert result.review == ()


def test_allowlisted_urls_and_subdomains_are_kept() -> None:
    draft = "See https://support.starfall.example/kb/42 or www.help.support.starfall.example."
    assert guard(draft).outcome.draft_reply == draft


def test_lookalike_host_is_not_allowlisted() -> None:
    result = guard("Go to https://support.starfall.example.evil.io/x now")
    assert "evil.io" not in result.outcome.draft_reply


def test_secrets_are_masked_and_sent_to_review() -> None:
    result = guard("Use the key sk-" + "ant-api03-abcdefghijklmnopqrstuvwxyz and password: hunter2")
    assert "sk-ant" not in result.outcome.draft_reply
    assert "hunter2" not in result.outcome.draft_reply
    assert result.outcome.draft_reply.count(REDACTED) == 2
    assert codes(result) == ["secret_in_draft"]


def test_pii_placeholders_in_the_draft_need_review() -> None:
    result = guard("We wrote to [EMAIL_1] about it.")
    assert codes(result) == ["pii_placeholder_in_draft"]
    assert result.review_reasons == ["pii_placeholder_in_draft: [EMAIL_1]"]


def test_ticket_specific_placeholders_are_caught_too() -> None:
    pii = [PiiRedaction(kind="phone", placeholder="<phone-7>")]
    assert codes(guard("We will call <phone-7>.", pii=pii)) == ["pii_placeholder_in_draft"]


def test_forbidden_promise_needs_review_case_and_spacing_insensitive() -> None:
    result = guard("Good news: you get a FULL\n  refund and we will compensate you.")
    assert codes(result) == ["forbidden_promise", "forbidden_promise"]
    assert "'full refund'" in result.review_reasons[0]


def test_low_confidence_needs_review() -> None:
    assert codes(guard("Hi.", 0.42)) == ["low_confidence"]
    assert guard("Hi.", 0.42).review_reasons == ["low_confidence: 0.42 < 0.50"]
    assert codes(guard("Hi.", 0.5)) == []


def test_invalid_and_unknown_actions_are_dropped_and_reviewed() -> None:
    result = guard(
        "Hi.",
        0.9,
        ToolCall("delete_account", {}),
        ToolCall("grant_compensation", {"amount": -5, "currency": "EUR", "reason": "x"}),
        ToolCall("flag_account", {"reason": "aimbot"}),
    )
    assert [c.tool for c in result.outcome.actions] == ["send_reply", "flag_account"]
    assert codes(result) == ["invalid_action", "invalid_action"]


def test_default_policy_comes_from_settings() -> None:
    policy = OutputPolicy.from_settings(
        AgentSettings(agent_url_allowlist=["Help.Example."], agent_confidence_floor=0.7)
    )
    assert policy.allows_url("https://help.example/x")
    assert policy.confidence_floor == 0.7
    assert "full refund" in policy.forbidden_phrases
