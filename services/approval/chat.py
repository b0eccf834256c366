"""approval-api's chat callbacks: approve / reject buttons pressed in Telegram or Slack.

Each request is verified first (Telegram's secret-token header, Slack's v0
signature within its replay window) and refused with 401 before anything else
happens. A verified press is acknowledged at once (Slack wants an answer within
3 s, and a tool call may take longer) and decided afterwards through
:class:`Decisions`, the same single-use path as the API, as the approver the
chat user is mapped to. The chat message then shows the outcome in place of
its buttons; a press that decides nothing (not an approver, role not allowed,
try again) is answered only to the person who pressed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from libs.chat import (
    SLACK_SIGNATURE_HEADER,
    SLACK_TIMESTAMP_HEADER,
    TELEGRAM_SECRET_HEADER,
    Button,
    SlackApi,
    TelegramApi,
    verify_slack,
    verify_telegram,
)
from libs.errors import PermanentError, TransientError
from libs.http import ApiError
from libs.logs import log_fields
from libs.security import SignatureError
from schemas import ActionOutcome
from schemas.actions import DecisionChannel
from services.approval.decisions import AlreadyDecided, DecisionError, Decisions, NotPending
from services.approval.runtime import Runtime
from services.approval.settings import ChatSettings

logger = logging.getLogger(__name__)

TELEGRAM_PATH = "/chat/telegram/webhook"
SLACK_PATH = "/chat/slack/interactivity"
#: Telegram shows at most this much of a callback answer.
ANSWER_MAX = 200
TELEGRAM_TEXT_MAX = 4096


@dataclass(frozen=True)
class Verdict:
    """What to tell the chat: ``final`` when the item is settled (buttons go away)."""

    text: str
    final: bool


def outcome_text(outcome: ActionOutcome) -> str:
    at = outcome.decided_at.strftime("%H:%M UTC")
    if outcome.status == "rejected":
        return f"❌ Rejected by {outcome.decided_by} at {at}"
    if outcome.status == "failed":
        failed = f"{outcome.tool} failed: {outcome.error}"
        return f"⚠️ Approved by {outcome.decided_by} at {at}, but {failed}"
    return f"✅ Approved by {outcome.decided_by} at {at}: {outcome.tool} {outcome.status}"


async def decide(
    decisions: Decisions, button: Button, approver: str, channel: DecisionChannel
) -> Verdict:
    """Take the decision the button names; every refusal becomes something to show."""
    try:
        if button.decision == "approve":
            outcome = await decisions.approve(button.action_id, approver, channel=channel)
        else:
            outcome = await decisions.reject(
                button.action_id, approver, f"rejected in {channel}", channel=channel
            )
    except (NotPending, AlreadyDecided) as exc:
        return Verdict(f"No longer pending: {exc.message}", final=True)
    except DecisionError as exc:
        return Verdict(exc.message, final=False)
    except TransientError:
        logger.exception("chat decision failed", extra=log_fields("chat_decision_failed"))
        return Verdict("Temporarily unavailable, please try again.", final=False)
    return Verdict(outcome_text(outcome), final=True)


# --- Telegram ------------------------------------------------------------------------------------


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TelegramUser(_Loose):
    id: int


class TelegramChat(_Loose):
    id: int


class TelegramMessage(_Loose):
    message_id: int
    chat: TelegramChat
    text: str = ""


class CallbackQuery(_Loose):
    id: str
    from_: TelegramUser = Field(alias="from")
    message: TelegramMessage | None = None
    data: str | None = None


class TelegramUpdate(_Loose):
    update_id: int
    callback_query: CallbackQuery | None = None


class TelegramCallbacks:
    def __init__(self, api: TelegramApi, approvers: dict[str, str]) -> None:
        self._api = api
        self._approvers = approvers

    async def handle(self, query: CallbackQuery, decisions: Decisions) -> None:
        button = Button.decode(query.data or "")
        approver = self._approvers.get(str(query.from_.id))
        if button is None:
            verdict = Verdict("This button is not one of ours.", final=False)
        elif approver is None:
            logger.warning(
                "chat user is not an approver",
                extra=log_fields("chat_unknown_user", channel="telegram", user=query.from_.id),
            )
            verdict = Verdict("You are not an approver.", final=False)
        else:
            verdict = await decide(decisions, button, approver, "telegram")
        await self._tell(query, verdict)

    async def _tell(self, query: CallbackQuery, verdict: Verdict) -> None:
        try:
            await self._api.call(
                "answerCallbackQuery",
                {
                    "callback_query_id": query.id,
                    "text": verdict.text[:ANSWER_MAX],
                    "show_alert": not verdict.final,
                },
            )
            if verdict.final and query.message is not None:
                # Without reply_markup the edit also removes the buttons.
                text = f"{query.message.text}\n\n{verdict.text}"
                await self._api.call(
                    "editMessageText",
                    {
                        "chat_id": query.message.chat.id,
                        "message_id": query.message.message_id,
                        "text": text[:TELEGRAM_TEXT_MAX],
                    },
                )
        except (TransientError, PermanentError):
            # The decision stands; only the chat lags behind it.
            logger.exception("telegram answer failed", extra=log_fields("chat_answer_failed"))


# --- Slack ---------------------------------------------------------------------------------------


class SlackUser(_Loose):
    id: str


class SlackContainer(_Loose):
    channel_id: str | None = None
    message_ts: str | None = None


class SlackMessage(_Loose):
    ts: str
    text: str = ""
    blocks: list[dict[str, Any]] = Field(default_factory=list)


class SlackAction(_Loose):
    action_id: str
    value: str | None = None


class BlockActions(_Loose):
    type: str
    user: SlackUser
    container: SlackContainer = SlackContainer()
    message: SlackMessage | None = None
    response_url: str | None = None
    actions: list[SlackAction] = Field(default_factory=list)

    def button(self) -> Button | None:
        for action in self.actions:
            button = Button.decode(action.value or "")
            if button is not None:
                return button
        return None


def decided_blocks(blocks: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """The message as sent, its buttons replaced by the outcome."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]


class SlackCallbacks:
    def __init__(self, api: SlackApi, approvers: dict[str, str]) -> None:
        self._api = api
        self._approvers = approvers

    async def handle(self, payload: BlockActions, button: Button, decisions: Decisions) -> None:
        approver = self._approvers.get(payload.user.id)
        if approver is None:
            logger.warning(
                "chat user is not an approver",
                extra=log_fields("chat_unknown_user", channel="slack", user=payload.user.id),
            )
            verdict = Verdict("You are not an approver.", final=False)
        else:
            verdict = await decide(decisions, button, approver, "slack")
        try:
            await self._tell(payload, verdict)
        except (TransientError, PermanentError):
            logger.exception("slack answer failed", extra=log_fields("chat_answer_failed"))

    async def _tell(self, payload: BlockActions, verdict: Verdict) -> None:
        channel, ts = payload.container.channel_id, payload.container.message_ts
        if verdict.final and channel and ts and payload.message is not None:
            await self._api.call(
                "chat.update",
                {
                    "channel": channel,
                    "ts": ts,
                    "text": verdict.text,
                    "blocks": decided_blocks(payload.message.blocks, verdict.text),
                },
            )
        elif payload.response_url:
            # Only the person who pressed sees why nothing happened.
            await self._api.respond(
                payload.response_url,
                {"response_type": "ephemeral", "replace_original": False, "text": verdict.text},
            )


# --- routes --------------------------------------------------------------------------------------


def _refuse(app: str, exc: SignatureError) -> ApiError:
    logger.warning(
        "chat callback refused", extra=log_fields("chat_refused", channel=app, code=exc.code)
    )
    return ApiError(401, exc.code, exc.message)


@dataclass(frozen=True)
class _Handlers:
    """The configured chat apps; an app without its secret and token takes no callbacks."""

    telegram: TelegramCallbacks | None
    slack: SlackCallbacks | None

    @classmethod
    def build(cls, chat: ChatSettings, client: httpx.AsyncClient) -> _Handlers:
        telegram = slack = None
        if chat.telegram_webhook_secret is not None and chat.telegram_bot_token is not None:
            token = chat.telegram_bot_token.get_secret_value()
            api = TelegramApi(client, chat.telegram_api_url, token)
            telegram = TelegramCallbacks(api, chat.telegram_approvers)
        if chat.slack_signing_secret is not None and chat.slack_bot_token is not None:
            token = chat.slack_bot_token.get_secret_value()
            slack = SlackCallbacks(
                SlackApi(client, chat.slack_api_url, token), chat.slack_approvers
            )
        return cls(telegram, slack)


def chat_router(runtime: Callable[[], Runtime], settings: ChatSettings | None = None) -> APIRouter:
    """The Telegram webhook and Slack interactivity routes; ``runtime`` gives the decisions."""
    chat = settings or ChatSettings()
    handlers: list[_Handlers] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=5.0) as client:
            handlers.append(_Handlers.build(chat, client))
            try:
                yield
            finally:
                handlers.clear()

    router = APIRouter(lifespan=lifespan)

    def configured() -> _Handlers:
        if not handlers:
            raise ApiError(503, "starting", "the service is not ready yet")
        return handlers[0]

    @router.post(TELEGRAM_PATH, include_in_schema=False)
    async def telegram_webhook(
        request: Request,
        background: BackgroundTasks,
        r: Runtime = Depends(runtime),
        h: _Handlers = Depends(configured),
    ) -> Response:
        if h.telegram is None or chat.telegram_webhook_secret is None:
            raise ApiError(404, "not_configured", "Telegram callbacks are not configured")
        try:
            verify_telegram(
                chat.telegram_webhook_secret.get_secret_value(),
                request.headers.get(TELEGRAM_SECRET_HEADER),
            )
        except SignatureError as exc:
            raise _refuse("telegram", exc) from exc
        try:
            update = TelegramUpdate.model_validate_json(await request.body())
        except ValidationError as exc:
            raise ApiError(422, "invalid_update", "not a Telegram update") from exc
        if update.callback_query is not None:
            background.add_task(h.telegram.handle, update.callback_query, r.decisions)
        return Response(status_code=200)

    @router.post(SLACK_PATH, include_in_schema=False)
    async def slack_interactivity(
        request: Request,
        background: BackgroundTasks,
        r: Runtime = Depends(runtime),
        h: _Handlers = Depends(configured),
    ) -> Response:
        if h.slack is None or chat.slack_signing_secret is None:
            raise ApiError(404, "not_configured", "Slack callbacks are not configured")
        body = await request.body()
        try:
            verify_slack(
                chat.slack_signing_secret.get_secret_value(),
                request.headers.get(SLACK_TIMESTAMP_HEADER),
                request.headers.get(SLACK_SIGNATURE_HEADER),
                body,
                window_s=chat.slack_signature_window_s,
            )
        except SignatureError as exc:
            raise _refuse("slack", exc) from exc
        try:
            (raw,) = parse_qs(body.decode())["payload"]
            payload = BlockActions.model_validate_json(raw)
        except (KeyError, ValueError) as exc:  # UnicodeDecodeError and ValidationError too
            raise ApiError(422, "invalid_payload", "not a Slack interaction payload") from exc
        button = payload.button() if payload.type == "block_actions" else None
        if button is not None:
            background.add_task(h.slack.handle, payload, button, r.decisions)
        return Response(status_code=200)

    return router
