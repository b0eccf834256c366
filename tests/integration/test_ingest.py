"""Ingest against the real broker and Redis, the app run in-process with its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from pydantic import SecretStr
from redis.asyncio import Redis

from libs import redis_keys, topics
from libs.devstack.stack import free_port
from libs.redis_client import redis_client
from libs.security import SIGNATURE_HEADER, player_ref, sign
from libs.settings import RedisSettings
from schemas import RawTicket
from services.ingest.app import create_app
from services.ingest.mapping import ids_for
from services.ingest.settings import IngestSettings
from tests.support.stack import StackInfo, service

pytestmark = pytest.mark.integration

TENANT = "starfall"
SECRET = "it-secret-starfall"
HASH_KEY = "it-player-hash-key"
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736


def _settings(stack: StackInfo, **overrides: Any) -> IngestSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap": stack.kafka_bootstrap,
        "redis_url": stack.redis_url,
        "kafka_idempotence": False,
        "kafka_send_timeout_s": 5.0,
        "tenant_secrets": {TENANT: [SecretStr(SECRET)], "demo": [SecretStr("it-secret-demo")]},
        "player_hash_key": SecretStr(HASH_KEY),
        **overrides,
    }
    return IngestSettings(**values)


@asynccontextmanager
async def running(settings: IngestSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (producer, Redis), and a client talking ASGI to it."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://ingest.test"
        ) as client,
    ):
        yield client


@pytest.fixture(scope="module")
async def client(stack: StackInfo) -> AsyncIterator[httpx.AsyncClient]:
    async with running(_settings(stack)) as c:
        yield c


@pytest.fixture(scope="module")
async def redis(stack: StackInfo) -> AsyncIterator[Redis]:
    r = redis_client(RedisSettings(redis_url=stack.redis_url))
    yield r
    await r.aclose()


def ticket(**overrides: Any) -> dict[str, Any]:
    return {
        "message_id": f"it-{uuid.uuid4()}",
        "tenant": TENANT,
        "player_id": f"player-{uuid.uuid4()}",
        "text": "I bought 1200 gems twice, charged two times!",
        "channel": "email",
        "metadata": {"platform": "ps5"},
        **overrides,
    }


async def post(
    client: httpx.AsyncClient,
    payload: Any,
    *,
    path: str = "/v1/tickets",
    secret: str | None = SECRET,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    raw = orjson.dumps(payload)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if secret is not None:
        all_headers[SIGNATURE_HEADER] = sign(secret, raw, timestamp)
    return await client.post(path, content=raw, headers=all_headers)


async def on_topic(bootstrap: str, match: bytes, topic: str = topics.RAW.name) -> list[Any]:
    """Every record on ``topic`` up to its current end whose value contains ``match``.

    Reading to the end offsets (not waiting for a timeout) makes "nothing more was
    written" an exact statement: whatever the broker acknowledged is below the end.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        start = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        for tp in partitions:
            # An explicit seek: seek_to_beginning races with the assignment's own reset.
            consumer.seek(tp, start[tp])
        pending = {tp for tp in partitions if end[tp] > start[tp]}
        found: list[ConsumerRecord[bytes, bytes]] = []
        async with asyncio.timeout(20):
            while pending:
                batch = await consumer.getmany(*pending, timeout_ms=200)
                for tp, records in batch.items():
                    found += [r for r in records if r.value is not None and match in r.value]
                    if records and records[-1].offset + 1 >= end[tp]:
                        pending.discard(tp)
        return found
    finally:
        await consumer.stop()


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return str(body["error"]["code"])


async def test_accepted_ticket_is_on_tickets_raw(
    client: httpx.AsyncClient, stack: StackInfo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = ticket(locale="en", callback_url="https://desk.example/hooks/triage")
    traceparent = f"00-{TRACE_ID:032x}-00f067aa0ba902b7-01"

    response = await post(client, payload, headers={"traceparent": traceparent})

    ids = ids_for(TENANT, payload["message_id"])
    assert response.status_code == 202, response.text
    assert response.json() == {
        "ticket_id": ids.ticket_id,
        "event_id": str(ids.event_id),
        "status": "accepted",
    }
    [record] = await on_topic(stack.kafka_bootstrap, payload["message_id"].encode())
    assert record.key == ids.ticket_id.encode()
    raw = RawTicket.from_json(record.value)
    assert raw.schema_id == "tickets.raw/1"
    assert (raw.event_id, raw.ticket_id, raw.tenant) == (ids.event_id, ids.ticket_id, TENANT)
    assert raw.producer == "ingest@0.1.0"
    assert raw.player_ref == player_ref(HASH_KEY, TENANT, payload["player_id"])
    assert (raw.text, raw.channel, raw.locale) == (payload["text"], "email", "en")
    assert raw.callback_url == "https://desk.example/hooks/triage"
    assert raw.metadata == {"platform": "ps5"}
    # The raw player id is on no topic and in no log line.
    assert payload["player_id"].encode() not in record.value
    assert not [r for r in caplog.records if payload["player_id"] in str(r.__dict__)]
    # The record continues the caller's trace.
    headers = dict(record.headers)
    assert headers["traceparent"].decode().startswith(f"00-{TRACE_ID:032x}-")
    assert headers["traceparent"].decode() != traceparent


async def test_duplicate_answers_the_same_ids_and_writes_nothing(
    client: httpx.AsyncClient, stack: StackInfo, redis: Redis
) -> None:
    payload = ticket()
    first = await post(client, payload)
    again = await post(client, {**payload, "text": "resent by a retrying desk"})

    assert first.status_code == again.status_code == 202
    assert again.json() == {**first.json(), "status": "duplicate"}
    assert len(await on_topic(stack.kafka_bootstrap, payload["message_id"].encode())) == 1
    key = redis_keys.dedup(TENANT, payload["message_id"])
    assert await redis.get(key) == b"done"
    assert await redis.ttl(key) > 6 * 24 * 3600


async def test_admission_survives_redis_losing_its_scripts(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    await redis.script_flush()
    response = await post(client, ticket())
    assert response.status_code == 202 and response.json()["status"] == "accepted"


async def test_message_in_flight_elsewhere_answers_409_with_retry_after(
    client: httpx.AsyncClient, stack: StackInfo, redis: Redis
) -> None:
    payload = ticket()
    await redis.set(redis_keys.dedup(TENANT, payload["message_id"]), b"inflight", ex=30)

    response = await post(client, payload)

    assert response.status_code == 409
    assert error_of(response) == "in_flight"
    assert response.headers["Retry-After"] == "2"
    assert await on_topic(stack.kafka_bootstrap, payload["message_id"].encode()) == []


@pytest.mark.parametrize(
    ("secret", "age", "code"),
    [
        ("not-the-secret", 0, "signature_invalid"),
        (None, 0, "signature_missing"),
        (SECRET, 3600, "signature_expired"),
    ],
)
async def test_bad_signature_is_401_and_claims_nothing(
    client: httpx.AsyncClient, redis: Redis, secret: str | None, age: int, code: str
) -> None:
    payload = ticket()
    response = await post(client, payload, secret=secret, timestamp=int(time.time()) - age)

    assert response.status_code == 401
    assert error_of(response) == code
    assert await redis.exists(redis_keys.dedup(TENANT, payload["message_id"])) == 0


async def test_signature_over_other_bytes_is_refused(client: httpx.AsyncClient) -> None:
    payload = ticket()
    header = sign(SECRET, orjson.dumps({**payload, "text": "something else"}))
    response = await client.post(
        "/v1/tickets", content=orjson.dumps(payload), headers={SIGNATURE_HEADER: header}
    )
    assert response.status_code == 401
    assert error_of(response) == "signature_invalid"


async def test_unknown_tenant_is_403(client: httpx.AsyncClient) -> None:
    response = await post(client, ticket(tenant="nobody"), secret="whatever")
    assert response.status_code == 403
    assert error_of(response) == "unknown_tenant"


async def test_invalid_bodies_are_422(client: httpx.AsyncClient) -> None:
    not_json = await client.post("/v1/tickets", content=b"{nope")
    missing_text = await post(client, {k: v for k, v in ticket().items() if k != "text"})

    assert not_json.status_code == missing_text.status_code == 422
    assert error_of(not_json) == "invalid_json"
    assert error_of(missing_text) == "invalid_request"
    assert "text" in missing_text.json()["error"]["message"]


async def test_oversized_bodies_are_413(client: httpx.AsyncClient) -> None:
    declared = await post(client, ticket(text="x" * 300_000))

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(300):
            yield b"x" * 1024

    streamed = await client.post("/v1/tickets", content=chunks())

    assert declared.status_code == streamed.status_code == 413
    assert error_of(declared) == error_of(streamed) == "payload_too_large"


async def test_burst_over_the_limit_is_429_but_duplicates_still_answer(
    client: httpx.AsyncClient, stack: StackInfo
) -> None:
    # Start well inside a 10 s burst window so all eleven requests share it.
    if time.time() % 10 > 7:
        await asyncio.sleep(10 - time.time() % 10)
    player = f"player-{uuid.uuid4()}"
    sent = [ticket(player_id=player) for _ in range(11)]

    answers = [await post(client, p) for p in sent]

    assert [a.status_code for a in answers] == [202] * 10 + [429]
    assert error_of(answers[10]) == "rate_limited"
    assert 1 <= int(answers[10].headers["Retry-After"]) <= 10
    assert await on_topic(stack.kafka_bootstrap, sent[10]["message_id"].encode()) == []
    # A resubmission is answered from the dedup marker before rate limiting.
    resent = await post(client, sent[0])
    assert resent.status_code == 202 and resent.json()["status"] == "duplicate"


async def test_batch_answers_per_item_and_writes_only_good_items(
    client: httpx.AsyncClient, stack: StackInfo
) -> None:
    marker = f"batch-{uuid.uuid4()}"
    items = [ticket(message_id=f"{marker}-{i}") for i in range(3)]
    del items[1]["text"]
    repeat = dict(items[0])

    response = await post(client, {"tickets": [*items, repeat]}, path="/v1/tickets:batch")

    assert response.status_code == 202, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "accepted"]
    assert results[1]["error"]["code"] == "invalid_request"
    assert results[0]["ticket_id"] == ids_for(TENANT, f"{marker}-0").ticket_id
    assert results[3] == results[0]
    written = await on_topic(stack.kafka_bootstrap, marker.encode())
    assert sorted(RawTicket.from_json(r.value).message_id for r in written) == [
        f"{marker}-0",
        f"{marker}-2",
    ]


async def test_batch_rate_limits_each_player(client: httpx.AsyncClient) -> None:
    player = f"player-{uuid.uuid4()}"
    items = [ticket(player_id=player) for _ in range(12)] + [ticket()]

    response = await post(client, {"tickets": items}, path="/v1/tickets:batch")

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 10 + ["rejected"] * 2 + ["accepted"]
    assert {r["error"]["code"] for r in results[10:12]} == {"rate_limited"}


async def test_batch_with_two_tenants_is_422(client: httpx.AsyncClient) -> None:
    items = [ticket(), ticket(tenant="demo")]
    response = await post(client, {"tickets": items}, path="/v1/tickets:batch")
    assert response.status_code == 422
    assert error_of(response) == "mixed_tenants"


async def test_ops_routes(client: httpx.AsyncClient) -> None:
    await post(client, ticket())
    health = await client.get("/healthz")
    ready = await client.get("/readyz")
    metrics = (await client.get("/metrics")).text

    assert health.status_code == 200
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"kafka": True, "redis": True}
    assert 'triage_ingest_requests_total{outcome="accepted",route="/v1/tickets"}' in metrics
    assert 'triage_ingest_tickets_total{outcome="rate_limited"}' in metrics
    assert 'triage_ingest_request_latency_seconds_count{route="/v1/tickets"}' in metrics


async def test_openapi_documents_both_ticket_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    single = paths["/v1/tickets"]["post"]
    assert single["requestBody"]["content"]["application/json"]["schema"]["title"] == (
        "IngestRequest"
    )
    assert "202" in single["responses"]
    assert "post" in paths["/v1/tickets:batch"]


async def test_other_methods_on_the_ticket_route_are_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/tickets")
    assert response.status_code == 405
    assert error_of(response) == "method_not_allowed"


async def test_concurrent_posts_share_flushes_and_each_gets_its_own_answer(
    client: httpx.AsyncClient, stack: StackInfo
) -> None:
    marker = f"together-{uuid.uuid4()}"
    payloads = [ticket(message_id=f"{marker}-{i}") for i in range(20)]
    repeat = dict(payloads[0])

    answers = await asyncio.gather(*(post(client, p) for p in [*payloads, repeat]))

    assert [a.status_code for a in answers[:20]] == [202] * 20
    assert [a.json()["ticket_id"] for a in answers[:20]] == [
        ids_for(TENANT, p["message_id"]).ticket_id for p in payloads
    ]
    # The repeat never shares the first one's flush: it is answered as a later request.
    again = answers[20]
    if again.status_code == 409:
        assert error_of(again) == "in_flight"
    else:
        assert again.status_code == 202 and again.json()["status"] == "duplicate"
    written = await on_topic(stack.kafka_bootstrap, marker.encode())
    assert sorted(RawTicket.from_json(r.value).message_id for r in written) == sorted(
        p["message_id"] for p in payloads
    )


class TcpProxy:
    """A loopback port that forwards to the broker once opened: Kafka "coming back"."""

    def __init__(self, target: str) -> None:
        self.host, port = target.rsplit(":", 1)
        self.target_port = int(port)
        self.port = free_port()
        self._server: asyncio.Server | None = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            return
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def wait_ready(
    client: httpx.AsyncClient, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + 20
    while True:
        assert process is None or process.poll() is None, "ingest exited"
        assert time.monotonic() < deadline, "ingest did not become ready"
        with contextlib.suppress(httpx.TransportError):
            if (await client.get("/readyz")).status_code == 200:
                return
        await asyncio.sleep(0.1)


async def test_kafka_down_is_503_then_recovers_when_it_is_back(
    stack: StackInfo, redis: Redis
) -> None:
    proxy = TcpProxy(stack.kafka_bootstrap)
    settings = _settings(stack, kafka_bootstrap=f"127.0.0.1:{proxy.port}")
    async with running(settings) as down:
        payload = ticket()
        response = await post(down, payload)
        ready = await down.get("/readyz")

        assert response.status_code == 503
        assert error_of(response) == "broker_unavailable"
        assert response.headers["Retry-After"] == "2"
        assert await redis.exists(redis_keys.dedup(TENANT, payload["message_id"])) == 0
        assert (await down.get("/healthz")).status_code == 200
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"kafka": False, "redis": True}

        await proxy.open()
        try:
            await wait_ready(down)
            retried = await post(down, payload)
        finally:
            await proxy.close()

    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] == "accepted"
    assert len(await on_topic(stack.kafka_bootstrap, payload["message_id"].encode())) == 1


async def test_unacknowledged_write_is_503_and_releases_the_claim(
    stack: StackInfo, redis: Redis
) -> None:
    settings = _settings(stack)
    async with running(settings) as app:
        payload = ticket()
        # A send timeout no broker can meet: the write is not acknowledged in time.
        settings.kafka_send_timeout_s = 0.0001
        failed = await post(app, payload)
        claim = await redis.exists(redis_keys.dedup(TENANT, payload["message_id"]))
        settings.kafka_send_timeout_s = 5.0
        retried = await post(app, payload)

    assert failed.status_code == 503
    assert error_of(failed) == "broker_unavailable"
    assert failed.headers["Retry-After"] == "2"
    assert claim == 0
    assert retried.status_code == 202 and retried.json()["status"] == "accepted"


async def test_redis_down_is_503(stack: StackInfo) -> None:
    settings = _settings(stack, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    async with running(settings) as app:
        payload = ticket()
        response = await post(app, payload)
        ready = await app.get("/readyz")

    assert response.status_code == 503
    assert error_of(response) == "redis_unavailable"
    assert response.headers["Retry-After"] == "2"
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"kafka": True, "redis": False}
    assert await on_topic(stack.kafka_bootstrap, payload["message_id"].encode()) == []


async def test_process_with_signing_disabled_warns_accepts_unsigned_and_stops_cleanly(
    stack: StackInfo, tmp_path: Path
) -> None:
    """``python -m services.ingest`` as a real process, configured by environment."""
    port = free_port()
    env = stack.env(
        TRIAGE_INGEST_PORT=str(port),
        TRIAGE_INGEST_REQUIRE_SIGNATURE="false",
        TRIAGE_TENANT_SECRETS=json.dumps({TENANT: [SECRET]}),
    )
    log = tmp_path / "ingest.log"
    payload = ticket()
    with service(["services.ingest"], env, log) as proc:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as app:
            await wait_ready(app, proc)
            unsigned = await post(app, payload, secret=None)
            unknown = await post(app, ticket(tenant="demo"), secret=None)
        proc.terminate()
        assert proc.wait(timeout=20) == 0, "a drained SIGTERM stop exits 0"

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    warnings = [entry for entry in lines if entry.get("event") == "signatures_disabled"]
    assert warnings and warnings[0]["level"] == "WARNING"
    assert unsigned.status_code == 202, unsigned.text
    assert unknown.status_code == 403
    assert payload["player_id"] not in log.read_text()
