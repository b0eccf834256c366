"""The PII vault against the real Redis: storage, TTL, encryption, reveal, the handler."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from libs import redis_keys
from libs.errors import TransientError
from schemas import GuardedTicket
from services.guard.engine import GuardEngine
from services.guard.handler import make_handler
from services.guard.rules import load_rules
from services.guard.vault import PiiVault, VaultError, load_mapping, new_key, reveal
from tests.support.stack import StackInfo
from tests.support.tickets import raw_ticket

pytestmark = pytest.mark.integration

KEY = new_key()
VALUES = {"[EMAIL_1]": "jane.doe@example.com", "[CARD_1]": "4111 1111 1111 1111"}


@pytest.fixture
async def redis(stack: StackInfo) -> AsyncIterator[Redis]:
    client = Redis.from_url(stack.redis_url)
    yield client
    await client.aclose()


def ticket() -> str:
    return f"t-{uuid.uuid4()}"


async def test_mapping_is_encrypted_at_rest_expires_and_reads_back(redis: Redis) -> None:
    ticket_id = ticket()
    await PiiVault(redis, ttl_s=300, key=KEY).store(ticket_id, VALUES)

    raw = await redis.hgetall(redis_keys.pii(ticket_id))
    assert set(raw) == {b"[EMAIL_1]", b"[CARD_1]"}
    assert not any(b"jane" in v or b"4111" in v for v in raw.values())
    assert 0 < await redis.ttl(redis_keys.pii(ticket_id)) <= 300
    assert await load_mapping(redis, ticket_id, key=KEY) == VALUES
    with pytest.raises(VaultError):
        await load_mapping(redis, ticket_id, key=None)
    with pytest.raises(VaultError):
        await load_mapping(redis, ticket_id, key=new_key())


async def test_storing_again_replaces_the_mapping(redis: Redis) -> None:
    ticket_id = ticket()
    vault = PiiVault(redis, ttl_s=300, key=None)
    await vault.store(ticket_id, VALUES)
    await vault.store(ticket_id, {"[EMAIL_1]": "jane.doe@example.com"})
    assert await load_mapping(redis, ticket_id, key=None) == {"[EMAIL_1]": "jane.doe@example.com"}


async def test_unknown_or_expired_tickets_have_no_mapping(redis: Redis) -> None:
    ticket_id = ticket()
    await PiiVault(redis, ttl_s=60, key=KEY).store(ticket_id, VALUES)
    await redis.pexpire(redis_keys.pii(ticket_id), 20)  # let the TTL run out quickly
    await asyncio.sleep(0.1)
    assert await load_mapping(redis, ticket_id, key=KEY) == {}
    assert await load_mapping(redis, ticket(), key=KEY) == {}


async def test_reveal_is_audited_without_the_values(
    redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    ticket_id = ticket()
    await PiiVault(redis, ttl_s=300, key=KEY).store(ticket_id, VALUES)
    with caplog.at_level(logging.INFO, logger="services.guard.vault"):
        shown = await reveal(
            redis,
            ticket_id,
            actor="approver:alice",
            reason="verify refund card",
            key=KEY,
            placeholders=["[CARD_1]"],
        )
    assert shown == {"[CARD_1]": "4111 1111 1111 1111"}
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "pii_reveal"]
    assert (record.actor, record.ticket_id, record.placeholders) == (  # type: ignore[attr-defined]
        "approver:alice",
        ticket_id,
        ["[CARD_1]"],
    )
    assert "4111" not in caplog.text


async def test_the_handler_vaults_pii_before_emitting(redis: Redis) -> None:
    handle = make_handler(
        GuardEngine(load_rules()), "guard@test", PiiVault(redis, ttl_s=300, key=KEY)
    )
    raw = raw_ticket("refund to jane.doe@example.com please")
    [event] = await handle(raw)
    assert isinstance(event, GuardedTicket)
    assert event.text == "refund to [EMAIL_1] please"
    assert await load_mapping(redis, raw.ticket_id, key=KEY) == {
        "[EMAIL_1]": "jane.doe@example.com"
    }
    clean = raw_ticket("no pii here")
    await handle(clean)
    assert not await redis.exists(redis_keys.pii(clean.ticket_id))


async def test_an_unreachable_redis_is_a_transient_failure() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    handle = make_handler(
        GuardEngine(load_rules()), "guard@test", PiiVault(dead, ttl_s=60, key=KEY)
    )
    with pytest.raises(TransientError):
        await handle(raw_ticket("mail jane.doe@example.com"))
    await dead.aclose()
