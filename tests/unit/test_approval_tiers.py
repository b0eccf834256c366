"""Escalation schedule: reminders before each tier's deadline, escalation, then only expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas import utcnow
from services.approval.settings import Tier
from services.approval.tiers import Schedule
from tests.support.approval import pending_item

TIERS = [Tier(name="lead", window_s=3600), Tier(name="manager", window_s=1800)]


def test_an_item_walks_reminder_escalation_reminder_then_only_expiry() -> None:
    schedule = Schedule(TIERS, reminder_before_s=600)
    assert schedule.total == timedelta(seconds=5400)
    item = schedule.start(pending_item(expires_in=schedule.total))
    started = schedule.started_at(item)
    assert (item.tier, item.tier_name, item.notice) == (0, "lead", "new")
    assert item.tier_deadline == started + timedelta(hours=1)

    seen = []
    now = utcnow()
    while (step := schedule.next_step(item)) is not None:
        seen.append((step.kind, step.at - started))
        item = schedule.apply(item, step, now)
    assert seen == [
        ("reminder", timedelta(minutes=50)),
        ("escalate", timedelta(minutes=60)),
        ("reminder", timedelta(minutes=80)),
    ]
    assert (item.tier, item.tier_name, item.notice) == (1, "manager", "reminder")
    # The last tier's deadline is the final one: escalation never moves the expiry.
    assert item.tier_deadline == item.expires_at == started + schedule.total


def test_each_step_is_a_new_deterministic_event() -> None:
    schedule = Schedule(TIERS, reminder_before_s=600)
    item = schedule.start(pending_item(expires_in=schedule.total))
    now = utcnow()
    step = schedule.next_step(item)
    assert step is not None
    reminded = schedule.apply(item, step, now)
    assert reminded.event_id != item.event_id
    assert reminded.event_id == schedule.apply(item, step, now).event_id
    assert (reminded.action_id, reminded.args) == (item.action_id, item.args)


def test_no_reminder_when_the_lead_time_is_not_shorter_than_the_window() -> None:
    schedule = Schedule(TIERS, reminder_before_s=3600)  # no room before the lead's deadline
    item = schedule.start(pending_item(expires_in=schedule.total))
    step = schedule.next_step(item)
    assert step is not None and step.kind == "escalate"
    escalated = schedule.apply(item, step, utcnow())
    # 3600 s >= the manager's 1800 s too: nothing left but the expiry.
    assert schedule.next_step(escalated) is None


def test_a_single_tier_without_reminders_only_expires() -> None:
    schedule = Schedule([Tier(name="approvers", window_s=600)], reminder_before_s=0)
    item = schedule.start(pending_item(expires_in=schedule.total))
    assert schedule.next_step(item) is None
    assert item.tier_deadline == item.expires_at


def test_a_schedule_needs_a_tier() -> None:
    with pytest.raises(ValueError):
        Schedule([], reminder_before_s=0)
