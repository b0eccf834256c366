"""Telegram and Slack approval messages, button data, and chat callback verification."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from libs.chat import (
    TELEGRAM_CALLBACK_DATA_MAX,
    Button,
    slack_signature,
    verify_slack,
    verify_telegram,
)
from libs.security import SignatureError
from services.notifier.config import channels_from_settings
from services.notifier.messages import ApprovalRequested, approval_requested
from services.notifier.settings import NotifierSettings, SlackSpec, TelegramSpec
from services.notifier.slack import ACTIONS_BLOCK, slack_message
from services.notifier.telegram import telegram_message, telegram_text
from tests.unit.test_notifier_messages import ACTION_ID, pending

NOTICE = approval_requested(pending(), "https://approve.example")
NOW = 1_700_000_000.0
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def _decoded(data: str) -> Button:
    button = Button.decode(data)
    assert button is not None, data
    return button


# --- buttons -----------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_button_data_round_trips_and_fits_telegram(decision: Any) -> None:
    action_id = uuid.uuid4()
    data = Button(decision, action_id).encode()

    assert len(data.encode()) <= TELEGRAM_CALLBACK_DATA_MAX
    assert Button.decode(data) == Button(decision, action_id)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "triage",
        "triage:x:" + "0" * 32,
        "other:a:" + "0" * 32,
        "triage:a:1234",
        "triage:a:" + "g" * 32,
    ],
)
def test_foreign_button_data_is_not_decoded(data: str) -> None:
    assert Button.decode(data) is None


# --- Telegram ----------------------------------------------------------------------------------


def test_telegram_message_has_an_approve_and_a_reject_button_for_the_action() -> None:
    body = telegram_message(NOTICE, -1001)

    assert body["chat_id"] == -1001
    (row,) = body["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in row] == ["✅ Approve", "❌ Reject"]
    assert [_decoded(b["callback_data"]) for b in row] == [
        Button("approve", ACTION_ID),
        Button("reject", ACTION_ID),
    ]


def test_telegram_text_tells_what_why_and_where_without_player_data() -> None:
    text = telegram_text(NOTICE)

    assert text.startswith("🔔 Approval needed: grant_compensation\n")
    for expected in [
        "Tenant: starfall",
        "Ticket: t-1",
        "Why: high-risk tool",
        "Urgency: high",
        "Expires: 2030-01-01 12:00 UTC",
        '"amount": 1200',
        "Sorry, we refund you.",
        f"Inbox: https://approve.example/inbox/items/{ACTION_ID}",
    ]:
        assert expected in text
    assert "p_secretplayerhash" not in text
    assert "charged twice" not in text


def test_long_drafts_are_cut_to_fit_a_telegram_message() -> None:
    notice = approval_requested(pending(draft_reply="x" * 10_000), "https://a.example")

    text = telegram_text(notice)
    assert len(text) <= 4096
    assert "x" * 1199 + "…" in text


@pytest.mark.parametrize(
    ("update", "title"),
    [
        ({"notice": "reminder"}, "Reminder: Approval needed: grant_compensation"),
        (
            {"notice": "escalated", "tier": 1, "tier_name": "on-call manager"},
            "Escalated to on-call manager: Approval needed: grant_compensation",
        ),
        (
            {"notice": "escalated", "tier": 2},
            "Escalated to tier 2: Approval needed: grant_compensation",
        ),
        (
            {"kind": "human_review", "tool": "escalate_to_human"},
            "Human review needed (escalate_to_human)",
        ),
    ],
)
def test_reminders_and_escalations_say_so(update: dict[str, Any], title: str) -> None:
    notice = NOTICE.model_copy(update=update)

    assert notice.title == title
    assert telegram_text(notice).startswith(f"🔔 {title}\n")
    assert slack_message(notice, "C1")["blocks"][0]["text"]["text"] == title


def test_tier_fields_of_the_pending_action_reach_the_notice() -> None:
    item = pending().model_copy(update={"notice": "escalated", "tier": 1, "tier_name": "managers"})

    notice = approval_requested(item, "https://a.example")
    assert (notice.notice, notice.tier, notice.tier_name) == ("escalated", 1, "managers")


# --- Slack -------------------------------------------------------------------------------------


def test_slack_message_is_block_kit_with_buttons_for_the_action() -> None:
    body = slack_message(NOTICE, "C0APPROVE")

    assert body["channel"] == "C0APPROVE"
    assert body["text"] == "Approval needed: grant_compensation"
    blocks = body["blocks"]
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "section",
        "section",
        "context",
        "actions",
    ]
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert "*Why:* high-risk tool" in fields
    assert "*Tenant:* starfall" in fields
    assert blocks[4]["elements"][0]["text"] == (
        f"<https://approve.example/inbox/items/{ACTION_ID}|Open in the inbox>"
    )
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    assert actions["block_id"] == ACTIONS_BLOCK
    approve, reject = actions["elements"]
    assert (approve["style"], reject["style"]) == ("primary", "danger")
    assert _decoded(approve["value"]) == Button("approve", ACTION_ID)
    assert _decoded(reject["value"]) == Button("reject", ACTION_ID)
    assert approve["confirm"]["text"]["text"] == "This runs grant_compensation."
    assert "p_secretplayerhash" not in json.dumps(body)


def test_slack_escapes_ticket_content_so_it_cannot_mention_or_link() -> None:
    notice = approval_requested(
        pending(draft_reply="hi <!channel> & <https://evil.example|click>"), "https://a.example"
    )

    draft = json.dumps(slack_message(notice, "C1")["blocks"][3])
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in draft
    assert "<!channel>" not in draft


def test_slack_message_without_draft_has_no_draft_section() -> None:
    notice = approval_requested(pending(draft_reply=None), "https://a.example")

    assert "Draft reply" not in json.dumps(slack_message(notice, "C1"))


# --- inbound verification ----------------------------------------------------------------------


def test_slack_signature_matches_slacks_documented_example() -> None:
    # The example of https://api.slack.com/authentication/verifying-requests-from-slack
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert (
        slack_signature(SECRET, "1531420618", body)
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_slack_verification_accepts_a_fresh_correct_signature() -> None:
    body = b"payload=%7B%7D"
    verify_slack(SECRET, str(int(NOW)), slack_signature(SECRET, str(int(NOW)), body), body, now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature", "code"),
    [
        (None, "v0=00", "signature_missing"),
        (str(int(NOW)), None, "signature_missing"),
        ("yesterday", "v0=00", "signature_malformed"),
        (str(int(NOW) - 301), "valid", "signature_expired"),
        (str(int(NOW) + 301), "valid", "signature_expired"),
        (str(int(NOW)), "wrong-secret", "signature_invalid"),
        (str(int(NOW)), "other-body", "signature_invalid"),
    ],
)
def test_slack_verification_refuses(
    timestamp: str | None, signature: str | None, code: str
) -> None:
    body = b"payload=%7B%7D"
    if signature == "valid" and timestamp:
        signature = slack_signature(SECRET, timestamp, body)
    elif signature == "wrong-secret" and timestamp:
        signature = slack_signature("not-the-secret", timestamp, body)
    elif signature == "other-body" and timestamp:
        signature = slack_signature(SECRET, timestamp, b"payload=%7B%22x%22%7D")

    with pytest.raises(SignatureError) as raised:
        verify_slack(SECRET, timestamp, signature, body, now=NOW)
    assert raised.value.code == code


def test_telegram_secret_token_must_match_exactly() -> None:
    verify_telegram("s3cret", "s3cret")
    for header, code in [
        (None, "signature_missing"),
        ("", "signature_missing"),
        ("s3cre", "signature_invalid"),
    ]:
        with pytest.raises(SignatureError) as raised:
            verify_telegram("s3cret", header)
        assert raised.value.code == code


# --- configuration -----------------------------------------------------------------------------


def test_tenant_channels_come_from_json_and_replace_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "TRIAGE_NOTIFY_TENANT_CHANNELS",
        json.dumps(
            {
                "starfall": [
                    {"type": "slack", "channel": "C0STAR"},
                    {"type": "telegram", "chat_id": -1001, "name": "tg-leads"},
                    {"type": "webhook", "url": "https://n8n.example/hook", "secret": "s"},
                ],
                "quiet": [],
            }
        ),
    )
    monkeypatch.setenv("TRIAGE_NOTIFY_TELEGRAM_CHAT_ID", "42")
    monkeypatch.setenv("TRIAGE_TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TRIAGE_SLACK_BOT_TOKEN", "xoxb-test")
    settings = NotifierSettings()

    assert settings.notify_tenant_channels["starfall"][1] == TelegramSpec(
        type="telegram", chat_id=-1001, name="tg-leads"
    )
    channels = channels_from_settings(settings, httpx.AsyncClient())
    assert [c.name for c in channels.for_tenant("starfall")] == ["slack", "tg-leads", "webhook"]
    assert [c.name for c in channels.for_tenant("quiet")] == []
    assert [c.name for c in channels.for_tenant("anyone-else")] == ["telegram", "log"]


@pytest.mark.parametrize(
    "env",
    [
        {"TRIAGE_NOTIFY_SLACK_CHANNEL": "C1"},
        {"TRIAGE_NOTIFY_TELEGRAM_CHAT_ID": "1"},
        {"TRIAGE_NOTIFY_TENANT_CHANNELS": '{"starfall": [{"type": "slack", "channel": "C1"}]}'},
        {"TRIAGE_NOTIFY_TENANT_CHANNELS": '{"starfall": [{"type": "pager"}]}'},
        {"TRIAGE_NOTIFY_TENANT_CHANNELS": '{"starfall": [{"type": "log", "colour": "red"}]}'},
    ],
)
def test_unusable_channel_settings_stop_start_up(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        NotifierSettings()


def test_repeated_channel_names_in_a_tenant_set_stop_start_up() -> None:
    settings = NotifierSettings(
        slack_bot_token="xoxb-test",
        notify_tenant_channels={
            "starfall": [
                SlackSpec(type="slack", channel="C1"),
                SlackSpec(type="slack", channel="C2"),
            ]
        },
    )
    with pytest.raises(ValueError, match="unique"):
        channels_from_settings(settings, httpx.AsyncClient())


def test_notice_fields_are_optional_for_older_producers() -> None:
    fields = NOTICE.payload()
    for name in ("notice", "tier", "tier_name"):
        fields.pop(name)
    assert ApprovalRequested.model_validate(fields).title == NOTICE.title
