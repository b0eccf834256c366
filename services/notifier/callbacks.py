"""Upstream callbacks: tell the system that sent a ticket what became of its action."""

from __future__ import annotations

from typing import Any

import httpx

from libs.errors import PermanentError
from libs.outbound import post_json
from libs.settings import TenantSettings
from schemas import ActionOutcome
from services.notifier.messages import outcome_callback


class CallbackSender:
    """POSTs outcomes to their ``callback_url``, signed with the tenant's current secret."""

    def __init__(self, client: httpx.AsyncClient, tenants: TenantSettings) -> None:
        self._client = client
        self._tenants = tenants

    async def send(self, url: str, outcome: ActionOutcome) -> dict[str, Any]:
        secrets = self._tenants.secrets_for(outcome.tenant)
        if not secrets:
            # Unsigned callbacks would be refused upstream (or worse, trusted): fail loudly.
            raise PermanentError(f"no secret configured for tenant {outcome.tenant!r}")
        response = await post_json(
            self._client,
            url,
            outcome_callback(outcome).payload(),
            signing_secret=secrets[0],
        )
        return {"status_code": response.status_code}
