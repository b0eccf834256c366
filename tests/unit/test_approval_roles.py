"""Approver roles, escalation tiers and adapter settings as configured."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from libs.security import hash_token
from services.approval.settings import ApprovalSettings, Approver

APPROVERS = {
    "ann": Approver(token_sha256=hash_token("a"), role="lead"),
    "bob": Approver(token_sha256=hash_token("b"), role="approver"),
    "tess": Approver(token_sha256=hash_token("t"), role="trust_safety"),
}


@pytest.mark.parametrize(
    ("approver", "tool", "allowed"),
    [
        ("ann", "grant_compensation", True),
        ("ann", "flag_account", True),
        ("bob", "send_reply", True),
        ("bob", "grant_compensation", False),
        ("bob", "flag_account", False),
        ("tess", "flag_account", True),
        ("tess", "send_reply", False),
        ("nobody", "send_reply", False),
    ],
)
def test_roles_limit_what_an_approver_may_approve(approver: str, tool: str, allowed: bool) -> None:
    settings = ApprovalSettings(
        approvers=APPROVERS,
        approval_roles={
            "lead": ["*"],
            "approver": ["send_reply", "create_ticket"],
            "trust_safety": ["flag_account"],
        },
    )
    assert settings.may_approve(approver, tool) is allowed


def test_an_approver_with_an_unknown_role_stops_start_up() -> None:
    with pytest.raises(ValidationError, match="trust_safety"):
        ApprovalSettings(approvers=APPROVERS)


def test_tiers_default_to_one_window_and_must_fit_the_memory() -> None:
    settings = ApprovalSettings(approval_window_s=600)
    assert [(t.name, t.window_s) for t in settings.tiers] == [("approvers", 600)]
    tiered = ApprovalSettings(
        approval_tiers=[{"name": "lead", "window_s": 60}, {"name": "manager", "window_s": 120}]
    )
    assert [t.name for t in tiered.tiers] == ["lead", "manager"]
    with pytest.raises(ValidationError, match="whole approval window"):
        ApprovalSettings(approval_memory_s=100, approval_tiers=[{"name": "lead", "window_s": 3600}])


def test_the_linear_adapter_needs_its_key_and_team() -> None:
    with pytest.raises(ValidationError, match="linear_api_key"):
        ApprovalSettings(create_ticket_adapter="linear", linear_team_id="T1")
    ok = ApprovalSettings(create_ticket_adapter="linear", linear_api_key="k", linear_team_id="T1")
    assert ok.create_ticket_adapter == "linear"


def test_public_url_defaults_to_the_listen_address() -> None:
    assert ApprovalSettings(approval_api_port=9001).public_url == "http://127.0.0.1:9001"
    assert ApprovalSettings(approval_public_url="https://ops.example/").public_url == (
        "https://ops.example"
    )
