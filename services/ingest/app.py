"""The ingest HTTP API: signed tickets in, ``tickets.raw`` records out.

Wiring only; the steps live in ``body`` (size, JSON, validation), ``auth``
(tenant and signature), ``ingestor`` (dedup, rate limits, durable publish).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.routing import Route

from libs import tracing
from libs.http import install_error_handlers, install_ops_routes
from libs.logs import log_fields
from libs.redis_client import redis_client
from libs.security import SIGNATURE_HEADER
from libs.settings import VERSION
from schemas.ingest import IngestBatchRequest, IngestBatchResult, IngestRequest, IngestResult
from services.ingest import body, telemetry
from services.ingest.admission import AdmissionStore
from services.ingest.auth import authenticate
from services.ingest.batcher import Batcher
from services.ingest.broker import KafkaGateway
from services.ingest.ingestor import Ingestor, Submission
from services.ingest.ratelimit import RateLimits
from services.ingest.settings import IngestSettings
from services.ingest.ticket_route import ROUTE, IngestApp, TicketRoute

logger = logging.getLogger(__name__)


def _json(model: BaseModel, status: int) -> Response:
    return Response(
        model.model_dump_json(exclude_none=True), status_code=status, media_type="application/json"
    )


def _body_doc(model: type[BaseModel], answer: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for routes that read the raw body (the signature covers the exact bytes)."""
    return {
        "openapi_extra": {
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": model.model_json_schema()}},
            }
        },
        "responses": {202: {"model": answer}},
        "status_code": 202,
    }


def _document_ticket_route(app: FastAPI) -> None:
    """FastAPI documents only its own routes: add the plain ASGI ticket route to OpenAPI."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()  # FastAPI caches it as app.openapi_schema: extended once
        schema["paths"][ROUTE] = {
            "post": {
                "summary": "Post Ticket",
                "description": TicketRoute.__doc__,
                **_body_doc(IngestRequest, IngestResult)["openapi_extra"],
                "responses": {
                    "202": {
                        "description": "Accepted (or already accepted: duplicate)",
                        "content": {
                            "application/json": {"schema": IngestResult.model_json_schema()}
                        },
                    }
                },
            }
        }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _redis_ready(redis: Redis) -> bool:
    try:
        return bool(await redis.ping())
    except RedisError as exc:
        logger.warning("redis not ready", extra=log_fields("redis_not_ready", error=repr(exc)))
        return False


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    settings = settings or IngestSettings()
    tracing.setup_tracing(settings.service_name)
    redis = redis_client(settings)
    gateway = KafkaGateway(
        settings, client_id=settings.producer_id, linger_ms=settings.ingest_producer_linger_ms
    )
    store = AdmissionStore(
        redis,
        RateLimits(
            per_minute=settings.ingest_rate_per_minute,
            burst=settings.ingest_rate_burst,
            burst_window_s=settings.ingest_rate_burst_window_s,
        ),
        inflight_ttl_s=settings.ingest_inflight_ttl_s,
        done_ttl_s=settings.ingest_dedup_ttl_s,
    )
    ingestor = Ingestor(
        store,
        gateway,
        player_hash_key=settings.player_hash_key.get_secret_value(),
        producer=settings.producer_id,
        retry_after_s=settings.ingest_retry_after_s,
    )

    batcher = Batcher(
        ingestor.ingest,
        max_tickets=settings.ingest_batch_max_tickets,
        max_in_flight=settings.ingest_batch_max_in_flight,
        linger_s=settings.ingest_batch_linger_ms / 1000,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not settings.ingest_require_signature:
            logger.warning(
                "signature checks are DISABLED: anyone can post tickets for a configured tenant",
                extra=log_fields("signatures_disabled"),
            )
        await gateway.start()
        try:
            yield
        finally:
            await batcher.drain()
            await gateway.stop()
            await redis.aclose()

    # FastAPI's own request spans would duplicate ingest's server span (``telemetry.observed``).
    app = IngestApp(
        title="Triage Stream ingest",
        version=VERSION,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)

    async def ready() -> dict[str, bool]:
        kafka, redis_ok = await asyncio.gather(gateway.ready(), _redis_ready(redis))
        return {"kafka": kafka, "redis": redis_ok}

    install_ops_routes(app, ready)

    def check_signature(tenant: str, header: str | None, raw: bytes) -> None:
        authenticate(
            tenant,
            header,
            raw,
            settings.secrets_for(tenant),
            require_signature=settings.ingest_require_signature,
            window_s=settings.ingest_signature_window_s,
        )

    app.ticket_route = TicketRoute(batcher, check_signature, settings.ingest_max_body_bytes)
    # Also in the router: other methods on the path answer 405 as FastAPI routes do.
    app.router.routes.append(Route(ROUTE, app.ticket_route, methods=["POST"]))
    _document_ticket_route(app)

    @app.post("/v1/tickets:batch", **_body_doc(IngestBatchRequest, IngestBatchResult))
    async def post_batch(request: Request) -> Response:
        """Accept up to 500 tickets of one tenant, answering per item in order."""
        with telemetry.observed("/v1/tickets:batch", request.scope["headers"]):
            raw = await body.read_body(request, settings.ingest_max_batch_body_bytes)
            batch = body.batch(body.json_object(raw))
            check_signature(body.batch_tenant(batch), request.headers.get(SIGNATURE_HEADER), raw)
            items = [body.batch_item(t) for t in batch.tickets]
            valid = [i for i in items if isinstance(i, IngestRequest)]
            settled = await batcher.submit(Submission(valid, tracing.inject()))
            telemetry.settled(settled)
            outcomes = iter(settled)
            results: list[IngestResult] = []
            for item in items:
                if isinstance(item, IngestRequest):
                    results.append(next(outcomes).result())
                else:
                    telemetry.TICKETS.labels("invalid_request").inc()
                    results.append(item)
            return _json(IngestBatchResult(results=results), 202)

    return app
