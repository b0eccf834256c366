"""The notifier's stage handlers: pending actions to approvers, outcomes to upstream."""

from __future__ import annotations

from functools import partial

from redis.asyncio import Redis

from libs.errors import PermanentError
from schemas import ActionOutcome, Envelope, PendingAction
from services.notifier.callbacks import CallbackSender
from services.notifier.channels import ChannelSet
from services.notifier.delivery import Send, deliver_all
from services.notifier.messages import approval_requested

#: Idempotency channel name of upstream callbacks.
CALLBACK_CHANNEL = "callback"


class Notifier:
    """Delivers notifications as side effects; publishes nothing."""

    def __init__(
        self,
        redis: Redis,
        channels: ChannelSet,
        callbacks: CallbackSender,
        approval_base_url: str,
    ) -> None:
        self._redis = redis
        self._channels = channels
        self._callbacks = callbacks
        self._approval_base_url = approval_base_url

    async def on_pending(self, pending: PendingAction) -> list[Envelope]:
        channels = self._channels.for_tenant(pending.tenant)
        if not channels:
            # No approver would ever hear of it: send it to the DLQ instead of dropping it.
            raise PermanentError(f"no approver channel configured for tenant {pending.tenant!r}")
        notice = approval_requested(pending, self._approval_base_url)
        sends: dict[str, Send] = {c.name: partial(c.send, notice) for c in channels}
        await deliver_all(self._redis, pending.event_id, pending.ticket_id, sends)
        return []

    async def on_outcome(self, outcome: ActionOutcome) -> list[Envelope]:
        if outcome.callback_url:
            sends: dict[str, Send] = {
                CALLBACK_CHANNEL: partial(self._callbacks.send, outcome.callback_url, outcome)
            }
            await deliver_all(self._redis, outcome.event_id, outcome.ticket_id, sends)
        return []
