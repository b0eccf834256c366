"""Telegram: an approval request as a chat message with approve / reject buttons.

The buttons' ``callback_data`` (:class:`libs.chat.Button`) names the decision and
the action; approval-api receives the press on its Telegram webhook, decides,
answers the callback query and edits this message to show the outcome.
"""

from __future__ import annotations

from typing import Any

from libs.chat import Button, TelegramApi
from services.notifier.channels import Channel
from services.notifier.messages import ApprovalRequested

#: Telegram's limit on a message's text.
TEXT_MAX = 4096


def telegram_text(notice: ApprovalRequested) -> str:
    """Plain text (no parse mode, so ticket content cannot break or inject markup)."""
    lines = [f"🔔 {notice.title}", ""]
    lines += [f"{label}: {value}" for label, value in notice.facts()]
    lines += ["", f"Arguments: {notice.args_text()}"]
    draft = notice.draft_text()
    if draft is not None:
        lines += ["", "Draft reply:", draft]
    lines += ["", f"Inbox: {notice.inbox_url}"]
    return "\n".join(lines)[:TEXT_MAX]


def telegram_message(notice: ApprovalRequested, chat_id: int | str) -> dict[str, Any]:
    """The ``sendMessage`` body: the text and an inline keyboard of two buttons."""
    approve = Button("approve", notice.action_id).encode()
    reject = Button("reject", notice.action_id).encode()
    return {
        "chat_id": chat_id,
        "text": telegram_text(notice),
        "link_preview_options": {"is_disabled": True},
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "✅ Approve", "callback_data": approve},
                    {"text": "❌ Reject", "callback_data": reject},
                ]
            ]
        },
    }


class TelegramChannel(Channel):
    """Sends approval requests to one Telegram chat through the Bot API."""

    def __init__(self, api: TelegramApi, chat_id: int | str, name: str = "telegram") -> None:
        super().__init__(name)
        self._api = api
        self._chat_id = chat_id

    async def send(self, notice: ApprovalRequested) -> dict[str, Any]:
        sent = await self._api.call("sendMessage", telegram_message(notice, self._chat_id))
        return {"chat_id": self._chat_id, "message_id": sent.get("message_id")}
