"""Inbox rendering: everything escaped, filters by tenant, tool and age."""

from __future__ import annotations

from datetime import timedelta

from schemas import utcnow
from services.approval.inbox import filter_items, item_html, rows_html
from services.approval.pages import Safe, render
from services.approval.settings import Tier
from services.approval.tiers import Schedule
from tests.support.approval import pending_item

SCHEDULE = Schedule([Tier(name="lead", window_s=3600)], reminder_before_s=0)


def test_ticket_text_and_arguments_cannot_inject_markup() -> None:
    item = pending_item("send_reply", reply="<script>alert(1)</script>", schedule=SCHEDULE)
    item = item.model_copy(update={"text": "<img src=x onerror=alert(2)>"})
    page = item_html(item, back="")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    rows = rows_html([item], SCHEDULE, utcnow())
    assert "<script>" not in rows
    assert render("message.html", heading="h", message="<b>", kind=Safe("ok")).count("<b>") == 0


def test_only_send_reply_gets_the_reply_editor() -> None:
    reply = item_html(pending_item("send_reply", schedule=SCHEDULE), back="")
    grant = item_html(pending_item("grant_compensation", schedule=SCHEDULE), back="")
    assert 'id="reply"' in reply and 'id="reply"' not in grant
    assert "Draft reply" in grant  # the triage's draft, read-only


def test_filters_by_tenant_tool_and_age() -> None:
    fresh = pending_item("send_reply", tenant="starfall", expires_in=timedelta(hours=1))
    old = pending_item("flag_account", tenant="starfall", expires_in=timedelta(minutes=30))
    other = pending_item("send_reply", tenant="moonbase", expires_in=timedelta(minutes=50))
    items = [fresh, old, other]
    now = utcnow()
    ids = lambda found: {i.action_id for i in found}  # noqa: E731
    assert ids(filter_items(items, SCHEDULE, now, tenant="starfall")) == {
        fresh.action_id,
        old.action_id,
    }
    assert ids(filter_items(items, SCHEDULE, now, tool="send_reply")) == {
        fresh.action_id,
        other.action_id,
    }
    # created 30 min ago (1 h window, 30 min left) and 10 min ago
    assert ids(filter_items(items, SCHEDULE, now, min_age_m=20)) == {old.action_id}
    assert ids(filter_items(items, SCHEDULE, now, min_age_m=5)) == {old.action_id, other.action_id}


def test_an_empty_list_says_so() -> None:
    assert "Nothing waits" in rows_html([], SCHEDULE, utcnow())
