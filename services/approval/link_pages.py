"""``/links/{token}``: the confirm page (GET) and the decision (POST) of a signed link.

A GET never decides, so chat and mail link scanners that open URLs cannot burn
a link or approve anything. The POST checks the signature and expiry, burns
the link's nonce, and decides with ``decision_channel: link`` for the approver
the link was issued to, bound to the action's digest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from libs.logs import log_fields
from services.approval.decisions import DecisionError, NotCarriedOut
from services.approval.inbox import describe
from services.approval.links import Link, LinkError, Signer, action_digest, read_link
from services.approval.pages import Safe, page, render
from services.approval.runtime import Runtime
from services.approval.settings import ApprovalSettings

logger = logging.getLogger(__name__)

#: Reason recorded when a reject link's form leaves it empty.
DEFAULT_LINK_REASON = "rejected through a signed link"

_STATUS: dict[str, int] = {
    "not_found": 404,
    "expired": 410,
    "link_expired": 410,
    "already_decided": 409,
    "link_used": 409,
    "action_changed": 409,
    "forbidden": 403,
    "unavailable": 503,
}


def _message(heading: str, message: str, *, kind: str = "error", status: int = 200) -> HTMLResponse:
    body = render("message.html", heading=heading, message=message, kind=kind)
    return page(heading, body, status=status)


def _refused(code: str, message: str) -> HTMLResponse:
    return _message("Not possible", message, status=_STATUS.get(code, 400))


def link_router(
    settings: ApprovalSettings, signer: Signer, runtime: Callable[[], Runtime]
) -> APIRouter:
    router = APIRouter(prefix="/links", include_in_schema=False)

    def verified(token: str) -> Link:
        link = read_link(signer, token)
        if link.approver not in settings.approvers:
            raise LinkError("link_invalid", "this link's approver is no longer configured")
        return link

    @router.get("/{token}")
    async def confirm(token: str) -> HTMLResponse:
        try:
            link = verified(token)
        except LinkError as exc:
            return _refused(exc.code, exc.message)
        item = await runtime().store.get(link.action_id)
        if item is None:
            return _refused("not_found", "This action was already decided or has expired.")
        if action_digest(item) != link.digest:
            return _refused("action_changed", "The action changed since this link was sent.")
        verb = "Approve" if link.decision == "approve" else "Reject"
        reason_field = (
            render("reason_field.html", default=DEFAULT_LINK_REASON)
            if link.decision == "reject"
            else Safe("")
        )
        body = render(
            "link.html",
            verb=verb,
            verb_lower=verb.lower(),
            approver=link.approver,
            tool=item.tool,
            tenant=item.tenant,
            ticket_id=item.ticket_id,
            args=orjson.dumps(item.args, option=orjson.OPT_INDENT_2).decode(),
            reason=item.reason,
            reason_field=reason_field,
            button_class="primary" if link.decision == "approve" else "danger",
            expires=link.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
        return page(f"{verb} {item.tool}", body)

    @router.post("/{token}")
    async def decide(token: str, request: Request) -> HTMLResponse:
        try:
            link = verified(token)
        except LinkError as exc:
            return _refused(exc.code, exc.message)
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        reason = ((form.get("reason") or [""])[0].strip() or DEFAULT_LINK_REASON)[:1000]
        r = runtime()
        try:
            await r.used_links.burn(link)
        except LinkError as exc:
            return _refused(exc.code, exc.message)
        try:
            if link.decision == "approve":
                outcome = await r.decisions.approve(
                    link.action_id, link.approver, channel="link", digest=link.digest
                )
            else:
                outcome = await r.decisions.reject(
                    link.action_id, link.approver, reason, channel="link", digest=link.digest
                )
        except DecisionError as exc:
            if isinstance(exc, NotCarriedOut):
                await r.used_links.release(link)  # nothing was decided: the link may retry
            logger.info(
                "link decision refused",
                extra=log_fields("link_refused", action_id=str(link.action_id), code=exc.code),
            )
            return _refused(exc.code, exc.message)
        return _message("Done", describe(outcome), kind="ok")

    return router
