"""The approval inbox: server-rendered pages for approvers, under ``/inbox``.

Login exchanges an approver token for a signed session cookie (HttpOnly,
SameSite=Strict). The list refreshes itself by polling ``/inbox/rows`` (an
HTML fragment); decisions are JSON POSTs carrying ``X-Inbox: 1`` (a header a
cross-site form cannot send) and are recorded with ``decision_channel: inbox``.
The ticket text is the guard's redacted text; a reveal request is audited.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qs, urlencode

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from libs.http import ApiError
from libs.logs import log_fields
from schemas import ActionOutcome, PendingAction, utcnow
from schemas.tools import TOOL_ARGS
from services.approval.auth import authenticate
from services.approval.decisions import EDITABLE_TOOL
from services.approval.links import LinkError, Signer
from services.approval.pages import Safe, join, page, render
from services.approval.runtime import Runtime
from services.approval.settings import ApprovalSettings
from services.approval.tiers import Schedule

logger = logging.getLogger(__name__)

COOKIE = "triage_inbox"
SESSION_PURPOSE = "inbox-session"
#: Age filters offered on the list, in minutes (0 = any).
AGES_M = (0, 5, 60, 24 * 60)
_REPLY_MAX = 5000
_ARGS_SHOWN = 160


class InboxApprove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply: str | None = Field(default=None, min_length=1, max_length=_REPLY_MAX)


class InboxReject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


def describe(outcome: ActionOutcome) -> str:
    """What the approver reads after deciding."""
    if outcome.status == "executed":
        return f"Approved by {outcome.decided_by}: {outcome.tool} executed."
    if outcome.status == "failed":
        return f"Approved by {outcome.decided_by}, but {outcome.tool} failed: {outcome.error}"
    return f"Rejected by {outcome.decided_by}: {outcome.reason}"


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def _args(item: PendingAction, limit: int | None = None) -> str:
    text = orjson.dumps(item.args, option=orjson.OPT_INDENT_2 if limit is None else 0).decode()
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def filter_items(
    items: list[PendingAction],
    schedule: Schedule,
    now: datetime,
    *,
    tenant: str = "",
    tool: str = "",
    min_age_m: int = 0,
) -> list[PendingAction]:
    """The items matching the list's filters (age counts from the item's creation)."""
    oldest = now - timedelta(minutes=min_age_m)
    return [
        i
        for i in items
        if (not tenant or i.tenant == tenant)
        and (not tool or i.tool == tool)
        and schedule.started_at(i) <= oldest
    ]


def rows_html(items: list[PendingAction], schedule: Schedule, now: datetime) -> Safe:
    if not items:
        return render("empty_row.html")
    return join(
        [
            render(
                "row.html",
                action_id=str(i.action_id),
                age=_age(now - schedule.started_at(i)),
                tenant=i.tenant,
                tool=i.tool,
                args=_args(i, _ARGS_SHOWN),
                urgency=i.urgency or "",
                tier=str(i.tier),
                tier_name=i.tier_name or str(i.tier),
                expires_iso=i.expires_at.isoformat(),
                expires=_when(i.expires_at),
            )
            for i in items
        ]
    )


def item_html(item: PendingAction, back: str) -> Safe:
    if item.tool == EDITABLE_TOOL:
        editor = render("reply_editor.html", reply=str(item.args.get("reply", "")))
    elif item.draft_reply:
        editor = render("draft.html", draft=item.draft_reply)
    else:
        editor = Safe("")
    return render(
        "item.html",
        action_id=str(item.action_id),
        back=back,
        tool=item.tool,
        tenant=item.tenant,
        ticket_id=item.ticket_id,
        reason=item.reason,
        text=item.text,
        category=item.category or "-",
        urgency=item.urgency or "-",
        confidence="-" if item.confidence is None else f"{item.confidence:.2f}",
        findings=", ".join(sorted({f.kind for f in item.guard_findings})) or "none",
        tier_name=item.tier_name or str(item.tier),
        expires=_when(item.expires_at),
        args=_args(item),
        reply_editor=editor,
    )


def _selected(yes: bool) -> str:
    return "selected" if yes else ""


def _options(values: list[tuple[str, str]], selected: str) -> Safe:
    return join(
        [
            render(
                "option.html", value=v, label=label, selected="selected" if v == selected else ""
            )
            for v, label in values
        ]
    )


def inbox_router(
    settings: ApprovalSettings, signer: Signer, runtime: Callable[[], Runtime]
) -> APIRouter:
    """The inbox pages; ``runtime`` gives the started store and decisions."""
    router = APIRouter(prefix="/inbox", include_in_schema=False)
    schedule = Schedule(settings.tiers, settings.approval_reminder_before_s)
    secure = settings.public_url.startswith("https://")

    def session_user(request: Request) -> str | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            name = str(signer.loads(SESSION_PURPOSE, token).get("u", ""))
        except LinkError:
            return None
        return name if name in settings.approvers else None

    def api_user(request: Request, x_inbox: Annotated[str | None, Header()] = None) -> str:
        name = session_user(request)
        if name is None:
            raise ApiError(401, "unauthorized", "sign in to the inbox again")
        if x_inbox != "1":
            raise ApiError(403, "forbidden", "inbox requests need the X-Inbox header")
        return name

    def login_page(error: str = "", status: int = 200) -> HTMLResponse:
        return page("Sign in", render("login.html", error=error), status=status)

    @router.get("/login")
    async def login_form() -> HTMLResponse:
        return login_page()

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        name = authenticate(settings.approvers, (form.get("token") or [""])[0])
        if name is None:
            logger.warning("inbox login refused", extra=log_fields("inbox_login_refused"))
            return login_page("That token is not an approver's.", status=401)
        logger.info("inbox login", extra=log_fields("inbox_login", approver=name))
        expires = utcnow() + timedelta(seconds=settings.approval_session_ttl_s)
        response = RedirectResponse("/inbox", status_code=303)
        response.set_cookie(
            COOKIE,
            signer.dumps(SESSION_PURPOSE, {"u": name}, expires),
            max_age=settings.approval_session_ttl_s,
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/inbox",
        )
        return response

    @router.post("/logout")
    async def logout() -> Response:
        response = RedirectResponse("/inbox/login", status_code=303)
        response.delete_cookie(COOKIE, path="/inbox")
        return response

    async def filtered(tenant: str, tool: str, min_age_m: int) -> list[PendingAction]:
        items = await runtime().store.list(1000)
        return filter_items(
            items, schedule, utcnow(), tenant=tenant, tool=tool, min_age_m=min_age_m
        )

    @router.get("")
    async def inbox(
        request: Request,
        tenant: str = Query(default="", max_length=64),
        tool: str = Query(default="", max_length=64),
        min_age_m: int = Query(default=0, ge=0),
    ) -> Response:
        name = session_user(request)
        if name is None:
            return RedirectResponse("/inbox/login", status_code=303)
        items = await filtered(tenant, tool, min_age_m)
        query = {k: v for k, v in request.query_params.items() if v}
        body = render(
            "list.html",
            query=("?" + urlencode(query)) if query else "",
            count=str(len(items)),
            tenant=tenant,
            tool_options=_options([("", "any")] + [(t, t) for t in TOOL_ARGS], tool),
            age_options=_options(
                [(str(m), _age(timedelta(minutes=m)) if m else "any") for m in AGES_M],
                str(min_age_m),
            ),
            rows=rows_html(items, schedule, utcnow()),
        )
        return page("Pending", body, user=name)

    @router.get("/rows")
    async def rows(
        request: Request,
        tenant: str = Query(default="", max_length=64),
        tool: str = Query(default="", max_length=64),
        min_age_m: int = Query(default=0, ge=0),
    ) -> Response:
        if session_user(request) is None:
            raise ApiError(401, "unauthorized", "sign in to the inbox again")
        items = await filtered(tenant, tool, min_age_m)
        return HTMLResponse(
            rows_html(items, schedule, utcnow()), headers={"Cache-Control": "no-store"}
        )

    @router.get("/items/{action_id}")
    async def item_page(request: Request, action_id: uuid.UUID) -> Response:
        name = session_user(request)
        if name is None:
            return RedirectResponse("/inbox/login", status_code=303)
        item = await runtime().store.get(action_id)
        if item is None:
            message = render(
                "message.html",
                heading="Not pending",
                kind="error",
                message="This item was decided or has expired.",
            )
            return page("Not pending", message, user=name, status=404)
        return page(item.tool, item_html(item, back=""), user=name)

    @router.post("/items/{action_id}/approve")
    async def approve(
        action_id: uuid.UUID, body: InboxApprove, name: str = Depends(api_user)
    ) -> JSONResponse:
        outcome = await runtime().decisions.approve(
            action_id, name, reply=body.reply, channel="inbox"
        )
        return JSONResponse({"status": outcome.status, "message": describe(outcome)})

    @router.post("/items/{action_id}/reject")
    async def reject(
        action_id: uuid.UUID, body: InboxReject, name: str = Depends(api_user)
    ) -> JSONResponse:
        outcome = await runtime().decisions.reject(action_id, name, body.reason, channel="inbox")
        return JSONResponse({"status": outcome.status, "message": describe(outcome)})

    @router.post("/items/{action_id}/reveal")
    async def reveal(action_id: uuid.UUID, name: str = Depends(api_user)) -> JSONResponse:
        item = await runtime().store.get(action_id)
        # The audit record is written whether or not anything can be shown.
        logger.warning(
            "inbox reveal requested",
            extra=log_fields(
                "inbox_reveal",
                approver=name,
                action_id=str(action_id),
                ticket_id=item.ticket_id if item else None,
                revealed=False,
            ),
        )
        return JSONResponse(
            {
                "revealed": False,
                "message": "Nothing to reveal: no PII vault is configured, only the redacted "
                "text is kept. This request was recorded.",
            }
        )

    return router
