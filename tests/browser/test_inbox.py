"""The approval inbox in headless Chromium against a real approval-api process.

approval-api runs as ``python -m services.approval api`` on the real broker
and a Redis database of its own (so the list holds only this test's items).
Playwright drives Debian's ``chromium`` (``make browser`` installs it); without
it the test fails and says so, it never skips. It writes ``docs/inbox.png``,
the README's screenshot, when missing or when ``TRIAGE_UPDATE_SCREENSHOT=1``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from libs import topics
from libs.redis_client import redis_client
from libs.security import hash_token
from libs.settings import RedisSettings
from schemas import ActionOutcome, PendingAction, utcnow
from services.approval.pending import PendingStore
from services.approval.settings import Tier
from services.approval.tiers import Schedule
from tests.support.approval import pending_item
from tests.support.http_recorder import HttpRecorder
from tests.support.stack import ROOT, StackInfo, consume, service

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "ann-browser-token"
SCREENSHOT = ROOT / "docs" / "inbox.png"
TIERS = [Tier(name="lead", window_s=1800), Tier(name="on-call manager", window_s=1800)]
SCHEDULE = Schedule(TIERS, reminder_before_s=0)
#: A Redis database no other test uses: the inbox lists exactly what this test parks.
REDIS_DB = 7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _own_db(redis_url: str) -> str:
    base, _, last = redis_url.rstrip("/").rpartition("/")
    return f"{base}/{REDIS_DB}" if last.isdigit() else f"{redis_url.rstrip('/')}/{REDIS_DB}"


@dataclass
class Inbox:
    url: str
    store: PendingStore
    bootstrap: str

    async def park(
        self, tool: str, tenant: str, age_m: int, urgency: str = "medium", **args: Any
    ) -> PendingAction:
        """An item created ``age_m`` minutes ago, escalated if older than the first tier."""
        left = SCHEDULE.total - timedelta(minutes=age_m)
        item = pending_item(
            tool, tenant=tenant, urgency=urgency, expires_in=left, schedule=SCHEDULE, **args
        )
        step = SCHEDULE.next_step(item)
        if step is not None and step.at <= utcnow():
            item = SCHEDULE.apply(item, step, utcnow())
        await self.store.create(item)
        return item

    async def outcome(self, item: PendingAction) -> ActionOutcome:
        [found] = await consume(
            self.bootstrap, [topics.EXECUTED.name], until=1, match=str(item.action_id).encode()
        )
        return ActionOutcome.from_json(found.value)


async def _ready(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(f"{url}/readyz")).status_code == 200
    except httpx.TransportError:
        return False  # not listening yet


def _chromium() -> str:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the inbox browser test needs Debian's chromium "
            "(run `make browser` or `apt-get install -y chromium`)",
            pytrace=False,
        )
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def recorder() -> Iterator[HttpRecorder]:
    with HttpRecorder() as rec:
        yield rec


@pytest.fixture(scope="module")
async def inbox(
    stack: StackInfo, recorder: HttpRecorder, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Inbox]:
    port = _free_port()
    redis_url = _own_db(stack.redis_url)
    env = stack.env(
        TRIAGE_REDIS_URL=redis_url,
        TRIAGE_APPROVAL_API_PORT=str(port),
        TRIAGE_TOOLS_BASE_URL=f"{recorder.url}/tools",
        TRIAGE_APPROVERS=json.dumps({"ann": {"token_sha256": hash_token(TOKEN), "role": "lead"}}),
        TRIAGE_APPROVAL_SIGNING_SECRET="browser-test-secret",
        TRIAGE_APPROVAL_TIERS=json.dumps([t.model_dump() for t in TIERS]),
    )
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("inbox") / "approval-api.log"
    redis = redis_client(RedisSettings(redis_url=redis_url))
    await redis.flushdb()
    with service(["services.approval", "api"], env, log):
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient() as client:
            while not await _ready(client, url):
                assert time.monotonic() < deadline, log.read_text()
                await asyncio.sleep(0.2)
        yield Inbox(url, PendingStore(redis, memory_s=600), stack.kafka_bootstrap)
    await redis.aclose()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    executable = _chromium()
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


def row(page: Page, item: PendingAction) -> Locator:
    return page.locator(f'tr[data-action-id="{item.action_id}"]')


async def test_approve_reject_live_list_and_refused_second_approval(
    inbox: Inbox, browser: Browser, recorder: HttpRecorder
) -> None:
    grant = await inbox.park("grant_compensation", "starfall", 12, "high")
    flag = await inbox.park(
        "flag_account", "moonbase", 41, "medium", reason="chargeback abuse, 3 cards"
    )
    await inbox.park(
        "send_reply", "starfall", 3, "critical", reply="Sorry! We refunded the double charge."
    )
    await inbox.park("create_ticket", "moonbase", 25, "low", title="Crash E-4012 on login (PC)")

    context = await browser.new_context(viewport={"width": 1100, "height": 480})
    listing = await context.new_page()
    await listing.goto(f"{inbox.url}/inbox")
    await expect(listing).to_have_url(f"{inbox.url}/inbox/login")
    await listing.fill("#token", "wrong-token")
    await listing.click("button[type=submit]")
    await expect(listing.locator(".error")).to_contain_text("not an approver")
    await listing.fill("#token", TOKEN)
    await listing.click("button[type=submit]")
    await expect(listing).to_have_url(f"{inbox.url}/inbox")
    await expect(listing.locator("tr[data-action-id]")).to_have_count(4)
    await expect(listing.locator("#count")).to_have_text("4")
    shot = await listing.screenshot()
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("TRIAGE_UPDATE_SCREENSHOT") or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        SCREENSHOT.write_bytes(shot)
    # A marker that a reload would wipe: the list below must update in place.
    await listing.evaluate("window.__stillHere = true")

    # Two tabs on the same item: approve in one, then try again in the other.
    first, second = await context.new_page(), await context.new_page()
    for tab in (first, second):
        await tab.goto(f"{inbox.url}/inbox/items/{grant.action_id}")
        await expect(tab.locator("h1")).to_contain_text("grant_compensation")
    await first.click("#approve")
    await expect(first.locator("#result")).to_have_text(
        "Approved by ann: grant_compensation executed."
    )
    await expect(first.locator("#approve")).to_be_disabled()
    await second.click("#approve")
    await expect(second.locator("#result")).to_contain_text("Refused:")
    await expect(second.locator("#result")).to_contain_text("already approved by ann")

    await second.goto(f"{inbox.url}/inbox/items/{flag.action_id}")
    await second.click("#reject")  # no reason yet: refused in the page
    await expect(second.locator("#result")).to_have_text("Give a reason for rejecting.")
    await second.fill("#reason", "no evidence of abuse")
    await second.click("#reject")
    await expect(second.locator("#result")).to_have_text("Rejected by ann: no evidence of abuse")

    # The open list drops both rows and picks up a new item, without a reload.
    await expect(row(listing, grant)).to_have_count(0)
    await expect(row(listing, flag)).to_have_count(0)
    late = await inbox.park("send_reply", "starfall", 0, reply="Your chest was restored.")
    await expect(row(listing, late)).to_have_count(1)
    await expect(listing.locator("#count")).to_have_text("3")
    assert await listing.evaluate("window.__stillHere") is True

    approved, rejected = await inbox.outcome(grant), await inbox.outcome(flag)
    assert (approved.status, approved.decided_by, approved.decision_channel) == (
        "executed",
        "ann",
        "inbox",
    )
    assert (rejected.status, rejected.reason, rejected.decision_channel) == (
        "rejected",
        "no evidence of abuse",
        "inbox",
    )
    assert len(recorder.calls("/tools/grant_compensation", str(grant.action_id))) == 1
    assert recorder.calls(containing=str(flag.action_id)) == []
    await context.close()
