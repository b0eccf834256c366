"""The agent as a real process against the real broker: guarded in, triaged (or DLQ) out."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from libs import topics
from schemas import DeadLetter
from schemas.tickets import TriagedTicket
from schemas.tools import TOOL_ARGS
from tests.support.stack import StackInfo, consume, produce, service
from tests.support.tickets import guarded_ticket

pytestmark = pytest.mark.integration


async def test_agent_triages_tickets_and_dead_letters_garbage(
    stack: StackInfo, tmp_path: Path
) -> None:
    nonce = uuid.uuid4().hex[:12]
    tenant = f"it-{nonce}"
    billing = guarded_ticket(
        "I was charged twice for the Battle Pass, $9.99 taken two times! order ORD-8K2M4P1Q",
        tenant=tenant,
        message_id="billing",
    )
    bug = guarded_ticket(
        "The game crashes on launch with error SF-1042, please fix",
        tenant=tenant,
        message_id="bug",
    )
    garbage = b"\xff\xfe\x00{not json " + nonce.encode()
    log = tmp_path / "agent.log"

    with service(["services.agent"], stack.env(), log) as proc:
        await produce(
            stack.kafka_bootstrap,
            [
                (topics.GUARDED.name, billing.ticket_id.encode(), billing.to_json()),
                (topics.GUARDED.name, bug.ticket_id.encode(), bug.to_json()),
                (topics.GUARDED.name, f"junk-{nonce}".encode(), garbage),
            ],
        )
        out = await consume(
            stack.kafka_bootstrap, [topics.TRIAGED.name], until=2, match=nonce.encode()
        )
        dead = await consume(
            stack.kafka_bootstrap, [topics.GUARDED.dlq], until=1, match=nonce.encode()
        )
        assert proc.poll() is None, log.read_text()

    assert len(out) == 2, log.read_text()
    triaged = {t.message_id: t for t in (TriagedTicket.from_json(m.value) for m in out)}
    for source in (billing, bug):
        result = triaged[source.message_id]
        assert result.event_id == source.derive("agent")
        assert result.ticket_id == source.ticket_id
        assert out[0].key is not None
        assert [a.action_id for a in result.triage.proposed_actions] == [
            source.derive(f"action:{i}") for i in range(len(result.triage.proposed_actions))
        ]
        for action in result.triage.proposed_actions:
            TOOL_ARGS[action.tool].model_validate(action.args)
        assert result.source == "local" and result.triage.draft_reply
        assert result.guard_verdict == "pass"

    paid = triaged["billing"].triage
    assert paid.category == "billing"
    assert [a.tool for a in paid.proposed_actions] == ["send_reply", "grant_compensation"]
    assert paid.proposed_actions[1].args["amount"] == 9.99
    assert paid.extracted.order_ids == ["ORD-8K2M4P1Q"]
    broken = triaged["bug"].triage
    assert broken.category == "bug_report"
    assert [a.tool for a in broken.proposed_actions] == ["send_reply", "create_ticket"]
    assert broken.extracted.error_codes == ["SF-1042"] and broken.extracted.platform == "ps5"

    assert len(dead) == 1, log.read_text()
    letter = DeadLetter.model_validate_json(dead[0].value)
    assert (letter.stage, letter.topic) == ("agent", topics.GUARDED.name)
    assert letter.error_type == "DecodeError"
    assert letter.key == f"junk-{nonce}"
    assert nonce in letter.value and "\\xff" in letter.value
