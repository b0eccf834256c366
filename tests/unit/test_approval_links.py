"""Signed links: bound to the exact action, expiring, unforgeable, not interchangeable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas import utcnow
from services.approval.links import (
    LinkError,
    Signer,
    action_digest,
    issue_link,
    read_link,
)
from tests.support.approval import pending_item

SIGNER = Signer("s3cret-for-links")


def test_a_link_reads_back_what_it_was_issued_for() -> None:
    item = pending_item("grant_compensation")
    token = issue_link(SIGNER, item, "approve", "ann", utcnow() + timedelta(hours=1))
    link = read_link(SIGNER, token)
    assert (link.action_id, link.decision, link.approver) == (item.action_id, "approve", "ann")
    assert link.digest == action_digest(item)
    other = issue_link(SIGNER, item, "approve", "ann", utcnow() + timedelta(hours=1))
    assert read_link(SIGNER, other).nonce != link.nonce  # each link is its own single use


def test_the_digest_changes_with_any_argument() -> None:
    item = pending_item("send_reply", reply="Refund sent.")
    edited = item.model_copy(update={"args": {"reply": "Refund sent!"}})
    assert action_digest(item) != action_digest(edited)
    escalated = item.model_copy(update={"tier": 1, "notice": "escalated"})
    assert action_digest(item) == action_digest(escalated)  # tiers do not change the action


def test_a_link_never_outlives_its_item() -> None:
    item = pending_item(expires_in=timedelta(minutes=10))
    token = issue_link(SIGNER, item, "reject", "ann", utcnow() + timedelta(days=3))
    assert read_link(SIGNER, token).expires_at <= item.expires_at
    with pytest.raises(LinkError) as exc:
        read_link(SIGNER, token, now=utcnow() + timedelta(minutes=11))
    assert exc.value.code == "link_expired"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # MAC flipped
        lambda t: "x" + t,  # payload changed
        lambda t: t.split(".")[0],  # MAC missing
        lambda t: "",
    ],
)
def test_a_tampered_token_is_refused(mangle: object) -> None:
    token = issue_link(SIGNER, pending_item(), "approve", "ann", utcnow() + timedelta(hours=1))
    with pytest.raises(LinkError) as exc:
        read_link(SIGNER, mangle(token))  # type: ignore[operator]
    assert exc.value.code == "link_invalid"


def test_another_secret_or_purpose_does_not_verify() -> None:
    token = issue_link(SIGNER, pending_item(), "approve", "ann", utcnow() + timedelta(hours=1))
    with pytest.raises(LinkError):
        read_link(Signer("another-secret"), token)
    session = SIGNER.dumps("inbox-session", {"u": "ann"}, utcnow() + timedelta(hours=1))
    with pytest.raises(LinkError):
        read_link(SIGNER, session)  # a session cookie is not a link
    with pytest.raises(ValueError):
        Signer("")
