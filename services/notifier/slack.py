"""Slack: an approval request as a Block Kit message with approve / reject buttons.

Both buttons carry a :class:`libs.chat.Button` as value; approval-api's
interactivity endpoint verifies Slack's signature, decides, and replaces the
buttons with the outcome (``chat.update``).
"""

from __future__ import annotations

from typing import Any

from libs.chat import Button, SlackApi
from services.notifier.channels import Channel
from services.notifier.messages import ApprovalRequested

#: Slack's limits: header text, section text.
HEADER_MAX = 150
SECTION_MAX = 3000
#: ``block_id`` of the buttons, so the decision can replace exactly them.
ACTIONS_BLOCK = "triage_decision"


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters, so ticket content cannot form links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_MAX]}}


def slack_blocks(notice: ApprovalRequested) -> list[dict[str, Any]]:
    facts = [
        {"type": "mrkdwn", "text": f"*{label}:* {mrkdwn_escape(value)}"}
        for label, value in notice.facts()
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": notice.title[:HEADER_MAX]}},
        {"type": "section", "fields": facts},
        _section(f"*Arguments:* `{mrkdwn_escape(notice.args_text())}`"),
    ]
    draft = notice.draft_text()
    if draft is not None:
        quoted = "\n".join(f"> {line}" for line in mrkdwn_escape(draft).splitlines())
        blocks.append(_section(f"*Draft reply:*\n{quoted}"))
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"<{notice.inbox_url}|Open in the inbox>"}],
        }
    )
    blocks.append(
        {
            "type": "actions",
            "block_id": ACTIONS_BLOCK,
            "elements": [
                {
                    "type": "button",
                    "action_id": "approve",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Approve"},
                    "value": Button("approve", notice.action_id).encode(),
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Approve?"},
                        "text": {"type": "plain_text", "text": f"This runs {notice.tool}."},
                        "confirm": {"type": "plain_text", "text": "Approve"},
                        "deny": {"type": "plain_text", "text": "Cancel"},
                    },
                },
                {
                    "type": "button",
                    "action_id": "reject",
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Reject"},
                    "value": Button("reject", notice.action_id).encode(),
                },
            ],
        }
    )
    return blocks


def slack_message(notice: ApprovalRequested, channel: str) -> dict[str, Any]:
    """The ``chat.postMessage`` body; ``text`` is the notification and screen-reader fallback."""
    return {"channel": channel, "text": notice.title, "blocks": slack_blocks(notice)}


class SlackChannel(Channel):
    """Posts approval requests to one Slack channel with the bot token."""

    def __init__(self, api: SlackApi, channel: str, name: str = "slack") -> None:
        super().__init__(name)
        self._api = api
        self._channel = channel

    async def send(self, notice: ApprovalRequested) -> dict[str, Any]:
        posted = await self._api.call("chat.postMessage", slack_message(notice, self._channel))
        return {"channel": posted.get("channel", self._channel), "ts": posted.get("ts")}
