"""``POST /v1/tickets`` as a plain ASGI endpoint: the hot route, kept free of per-request
framework work (FastAPI's dependency solving, query parsing, Request and Response objects).

It runs the same steps as the batch route (``body``, ``auth``, the batcher) and
answers errors with the shared JSON error body; only the plumbing is leaner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from libs import tracing
from libs.http import ApiError, error_response
from libs.logs import log_fields
from libs.security import SIGNATURE_HEADER
from services.ingest import body, telemetry
from services.ingest.batcher import Batcher
from services.ingest.ingestor import Outcome, Submission

logger = logging.getLogger(__name__)

ROUTE = "/v1/tickets"
#: HTTP status of a single ticket that was not accepted, by error code.
REJECTED_STATUS = {"rate_limited": 429, "in_flight": 409}
_JSON_HEADERS = [(b"content-type", b"application/json")]
_SIGNATURE = SIGNATURE_HEADER.lower().encode()

#: ``(tenant, signature header, raw body)``; raises the 401/403 ApiError.
CheckSignature = Callable[[str, str | None, bytes], None]


def answer(outcome: Outcome) -> bytes:
    """The 202 body of an accepted or duplicate ticket; raises the 409/429 ApiError otherwise."""
    if outcome.error is None:
        return outcome.result().model_dump_json(exclude_none=True).encode()
    raise ApiError(
        REJECTED_STATUS[outcome.error.code],
        outcome.error.code,
        outcome.error.message,
        {"Retry-After": str(outcome.retry_after_s)},
    )


def _header(scope: Scope, name: bytes) -> str | None:
    value = next((v for k, v in scope["headers"] if k == name), None)
    return None if value is None else value.decode("latin-1")


class TicketRoute:
    """Accept one ticket; 202 once it is on ``tickets.raw`` (or was already)."""

    def __init__(self, batcher: Batcher, check_signature: CheckSignature, max_body: int) -> None:
        self._batcher = batcher
        self._check_signature = check_signature
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            content = await self._handle(scope, receive)
        except ApiError as exc:
            await error_response(exc.status, exc.code, exc.message, exc.headers)(
                scope, receive, send
            )
            return
        except Exception:
            # As libs.http's handler does for routes behind FastAPI's middleware stack.
            logger.exception("unhandled error", extra=log_fields("unhandled_error"))
            await error_response(500, "internal", "internal error")(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 202,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(content)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": content})

    async def _handle(self, scope: Scope, receive: Receive) -> bytes:
        with telemetry.observed(ROUTE, scope["headers"]) as observation:
            raw = await body.receive_body(scope["headers"], receive, self._max_body)
            data = body.json_object(raw)
            self._check_signature(body.ticket_tenant(data), _header(scope, _SIGNATURE), raw)
            outcomes = await self._batcher.submit(Submission([body.ticket(data)], tracing.inject()))
            telemetry.settled(outcomes)
            [outcome] = outcomes
            observation.outcome = outcome.label
            return answer(outcome)


class IngestApp(FastAPI):
    """FastAPI that hands ``POST /v1/tickets`` to its :class:`TicketRoute` first.

    The route answers its own errors (JSON bodies, 500 included) and does its own
    telemetry, so the per-request layers in front of FastAPI's router (error and
    exit-stack middlewares, route matching) would only add cost. Every other
    request, and other methods on the same path, take the normal way.
    """

    ticket_route: TicketRoute | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.ticket_route
        if (
            route is not None
            and scope["type"] == "http"
            and scope["path"] == ROUTE
            and scope["method"] == "POST"
        ):
            await route(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
