"""approval-api: approvers list pending items and approve or reject them over HTTP.

Every ``/v1`` route needs an approver's bearer token. A decision is single-use:
the first one takes the item, any later one answers 409 and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from aiokafka.errors import KafkaError
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from redis.exceptions import RedisError

from libs import tracing
from libs.errors import TransientError
from libs.http import ApiError, error_response, install_error_handlers, install_ops_routes, serve
from libs.kafka import aiokafka_producer, aiokafka_sender, publish_models
from libs.logs import log_fields, setup_logging
from libs.redis_client import redis_client
from libs.security import hash_token
from schemas import ActionOutcome, PendingAction, utcnow
from schemas.tools import SendReplyArgs
from services.approval.auth import authenticate
from services.approval.chat import chat_router
from services.approval.decisions import (
    AlreadyDecided,
    ChangedAction,
    DecisionError,
    Decisions,
    Expired,
    Forbidden,
    InvalidDecision,
    NotCarriedOut,
    NotPending,
)
from services.approval.executor import Executor
from services.approval.inbox import inbox_router
from services.approval.link_pages import link_router
from services.approval.links import Signer, UsedLinks, issue_link
from services.approval.pages import STATIC
from services.approval.pending import PendingStore
from services.approval.runtime import Runtime
from services.approval.settings import DEMO_TOKEN, ApprovalSettings

logger = logging.getLogger(__name__)

_STATUS: dict[type[DecisionError], int] = {
    NotPending: 404,
    AlreadyDecided: 409,
    Expired: 409,
    ChangedAction: 409,
    Forbidden: 403,
    InvalidDecision: 422,
    NotCarriedOut: 503,
}
_REPLY_MAX = SendReplyArgs.model_json_schema()["properties"]["reply"]["maxLength"]


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply: str | None = Field(
        default=None, min_length=1, max_length=_REPLY_MAX, description="edited reply (send_reply)"
    )


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


class LinksBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver: str | None = Field(
        default=None, max_length=64, description="who the links are for (default: the caller)"
    )


def _json(model: PendingAction | ActionOutcome) -> Response:
    return Response(model.to_json(), media_type="application/json")


def create_app(settings: ApprovalSettings) -> FastAPI:
    """The API; its Redis client, tool HTTP client and Kafka producer live in the lifespan."""
    runtime: list[Runtime] = []
    signer = _signer(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if any(a.token_sha256 == hash_token(DEMO_TOKEN) for a in settings.approvers.values()):
            logger.warning(
                "the development approver token is enabled; set TRIAGE_APPROVERS",
                extra=log_fields("approval_demo_token"),
            )
        redis = redis_client(settings)
        http = httpx.AsyncClient(timeout=settings.tools_timeout_s)
        producer = aiokafka_producer(settings, client_id=f"triage-{settings.service_name}-api")
        await producer.start()
        send = aiokafka_sender(producer)

        async def publish_outcome(outcome: ActionOutcome) -> None:
            await publish_models(send, [outcome], settings.kafka_send_timeout_s)

        store = PendingStore(redis, memory_s=settings.approval_memory_s)
        executor = Executor.from_settings(settings, redis, http)
        decisions = Decisions(
            store,
            executor,
            publish_outcome,
            producer=settings.producer_id,
            may_approve=settings.may_approve,
        )
        runtime.append(Runtime(redis, producer, store, decisions, UsedLinks(redis)))
        try:
            yield
        finally:
            runtime.clear()
            await producer.stop()
            await http.aclose()
            await redis.aclose()

    app = FastAPI(title="triage approval-api", lifespan=lifespan)
    install_error_handlers(app)

    async def ready() -> dict[str, bool]:
        result = {"redis": False, "kafka": False}
        if not runtime:
            return result
        r = runtime[0]
        try:
            result["redis"] = bool(await r.redis.ping())
        except RedisError:
            logger.exception("redis not ready", extra=log_fields("readyz_redis"))
        try:
            async with asyncio.timeout(settings.kafka_send_timeout_s):
                result["kafka"] = bool(await r.producer.client.force_metadata_update())
        except (TimeoutError, KafkaError):
            logger.exception("kafka not ready", extra=log_fields("readyz_kafka"))
        return result

    install_ops_routes(app, ready)

    retry = {"Retry-After": str(settings.approval_retry_after_s)}

    @app.exception_handler(DecisionError)
    async def _decision_error(_: Request, exc: DecisionError) -> JSONResponse:
        status = _STATUS.get(type(exc), 400)
        return error_response(status, exc.code, exc.message, retry if status == 503 else None)

    @app.exception_handler(TransientError)
    async def _transient(_: Request, exc: TransientError) -> JSONResponse:
        logger.warning(
            "dependency unavailable", extra=log_fields("api_unavailable", error=str(exc))
        )
        return error_response(503, "unavailable", "a dependency is unavailable, try again", retry)

    bearer = HTTPBearer(auto_error=False)

    async def approver(
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    ) -> str:
        name = authenticate(settings.approvers, credentials.credentials) if credentials else None
        if name is None:
            raise ApiError(
                401,
                "unauthorized",
                "a valid approver bearer token is required",
                {"WWW-Authenticate": "Bearer"},
            )
        return name

    def rt() -> Runtime:
        if not runtime:
            raise ApiError(503, "starting", "the service is not ready yet")
        return runtime[0]

    app.include_router(chat_router(rt, settings))

    @app.get("/v1/pending")
    async def list_pending(
        limit: int = Query(default=100, ge=1, le=1000),
        _: str = Depends(approver),
        r: Runtime = Depends(rt),
    ) -> Response:
        items = await r.store.list(limit)
        body = b'{"items":[' + b",".join(i.to_json() for i in items) + b"]}"
        return Response(body, media_type="application/json")

    @app.get("/v1/pending/{action_id}")
    async def get_pending(
        action_id: uuid.UUID, _: str = Depends(approver), r: Runtime = Depends(rt)
    ) -> Response:
        item = await r.store.get(action_id)
        if item is None:
            raise ApiError(404, "not_found", f"no pending action {action_id} (unknown or decided)")
        return _json(item)

    @app.post("/v1/pending/{action_id}/approve")
    async def approve(
        action_id: uuid.UUID,
        body: ApproveBody | None = None,
        name: str = Depends(approver),
        r: Runtime = Depends(rt),
    ) -> Response:
        reply = body.reply if body else None
        return _json(await r.decisions.approve(action_id, name, reply=reply))

    @app.post("/v1/pending/{action_id}/reject")
    async def reject(
        action_id: uuid.UUID,
        body: RejectBody,
        name: str = Depends(approver),
        r: Runtime = Depends(rt),
    ) -> Response:
        return _json(await r.decisions.reject(action_id, name, body.reason))

    @app.post("/v1/pending/{action_id}/links")
    async def links(
        action_id: uuid.UUID,
        body: LinksBody | None = None,
        name: str = Depends(approver),
        r: Runtime = Depends(rt),
    ) -> dict[str, str]:
        """Signed approve/reject links for a chat or mail message to one approver."""
        target = (body.approver if body else None) or name
        if target not in settings.approvers:
            raise ApiError(422, "unknown_approver", f"no approver named {target!r}")
        item = await r.store.get(action_id)
        if item is None:
            raise ApiError(404, "not_found", f"no pending action {action_id} (unknown or decided)")
        until = utcnow() + timedelta(seconds=settings.approval_link_ttl_s)
        base = f"{settings.public_url}/links/"
        approve_token = issue_link(signer, item, "approve", target, until)
        return {
            "approve": base + approve_token,
            "reject": base + issue_link(signer, item, "reject", target, until),
            "expires_at": min(until, item.expires_at).isoformat(),
        }

    app.include_router(inbox_router(settings, signer, rt))
    app.include_router(link_router(settings, signer, rt))
    app.mount("/inbox/static", StaticFiles(directory=STATIC), name="inbox-static")
    return app


def _signer(settings: ApprovalSettings) -> Signer:
    secret = settings.approval_signing_secret
    if secret is None or not secret.get_secret_value():
        logger.warning(
            "no TRIAGE_APPROVAL_SIGNING_SECRET: links and inbox sessions last one process",
            extra=log_fields("approval_random_signing_secret"),
        )
        return Signer(secrets.token_hex(32))
    return Signer(secret.get_secret_value())


def run_api(settings: ApprovalSettings) -> None:
    setup_logging(f"{settings.service_name}-api", settings.log_level)
    tracing.setup_tracing(f"{settings.service_name}-api")
    serve(create_app(settings), settings.approval_api_host, settings.approval_api_port)
