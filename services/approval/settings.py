"""Approval settings (``TRIAGE_`` environment prefix): policy, window, tools, approvers, API."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, Field, SecretStr, model_validator

from libs.security import hash_token
from libs.settings import ChatApiSettings, ServiceSettings

DAY_S = 24 * 3600
#: The policy shipped with the service, used when TRIAGE_APPROVAL_POLICY_FILE is unset.
PACKAGED_POLICY = Path(__file__).with_name("policy.yaml")
#: The development approver and its bearer token; replace with TRIAGE_APPROVERS anywhere real.
DEMO_APPROVER = "demo"
DEMO_TOKEN = "demo-token"


class Approver(BaseModel):
    """An approver as configured: only the SHA-256 of the bearer token is ever stored."""

    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: str = "approver"


class Tier(BaseModel):
    """One escalation tier: who is asked, and for how long before the next tier is."""

    name: str = Field(min_length=1, max_length=64)
    window_s: int = Field(gt=0)
    roles: list[str] = Field(default_factory=list)


#: Tools an approver of each role may approve ("*" = any); rejecting is open to every role.
DEFAULT_ROLES: dict[str, list[str]] = {
    "lead": ["*"],
    "approver": ["send_reply", "create_ticket", "escalate_to_human"],
}


class ChatSettings(ChatApiSettings):
    telegram_webhook_secret: SecretStr | None = None
    """secret_token given to setWebhook, checked on every update; unset: Telegram refused."""
    telegram_approvers: dict[str, str] = Field(default_factory=dict)
    """JSON map Telegram user id -> approver name, e.g. {"123456789": "alice"}."""
    slack_signing_secret: SecretStr | None = None
    """Slack app signing secret, checked on every interaction; unset: Slack refused."""
    slack_approvers: dict[str, str] = Field(default_factory=dict)
    """JSON map Slack user id -> approver name, e.g. {"U024BE7LH": "alice"}."""
    slack_signature_window_s: int = Field(default=300, gt=0)
    """How old a Slack request timestamp may be (replay window)."""


class ApprovalSettings(ServiceSettings, ChatSettings):
    service_name: str = "approval"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    approval_policy_file: str = ""
    """YAML approval policy (unset: services/approval/policy.yaml); invalid stops the worker."""
    approval_window_s: int = Field(default=DAY_S, gt=0)
    """How long a pending item waits for a decision when no escalation tiers are set."""
    approval_tiers: list[Tier] = Field(default_factory=list)
    """JSON list of tiers [{"name", "window_s", "roles"}]; an item expires after the last."""
    approval_reminder_before_s: int = Field(default=3600, ge=0)
    """A reminder is published this long before each tier's deadline (0: no reminders)."""
    approval_sweep_interval_s: float = Field(default=5.0, gt=0)
    """How often the worker looks for due reminders, escalations and expiries."""
    approval_sweep_batch: int = Field(default=100, gt=0)
    """At most this many items are handled per sweep and kind."""
    approval_memory_s: int = Field(default=7 * DAY_S, gt=0)
    """How long executions, decisions and creations are remembered against redeliveries."""
    approval_retry_after_s: int = Field(default=5, gt=0)
    """Retry-After of a 503 when a decision could not be carried out (tool or broker down)."""

    tools_base_url: str = "http://127.0.0.1:8090/tools"
    """Tools are POSTed at <base>/<tool> unless TRIAGE_TOOL_URLS names them."""
    tool_urls: dict[str, str] = Field(default_factory=dict)
    """JSON map tool -> URL overriding the base URL, e.g. {"grant_compensation": "https://..."}."""
    tools_timeout_s: float = Field(default=5.0, gt=0)
    """Timeout of one tool call."""
    tools_signing_secret: SecretStr | None = None
    """When set, tool calls carry an X-Triage-Signature HMAC the tool can verify."""
    create_ticket_adapter: Literal["http", "linear"] = "http"
    """create_ticket as the generic JSON POST (http) or a Linear GraphQL issueCreate (linear)."""
    linear_api_url: str = "https://api.linear.app/graphql"
    """Linear's GraphQL endpoint (create_ticket_adapter=linear)."""
    linear_api_key: SecretStr | None = None
    """Linear API key, sent as the Authorization header (required for the linear adapter)."""
    linear_team_id: str = ""
    """Linear team the issues are created in (required for the linear adapter)."""

    approvers: dict[str, Approver] = Field(
        default_factory=lambda: {
            DEMO_APPROVER: {"token_sha256": hash_token(DEMO_TOKEN), "role": "lead"}
        },
        validate_default=True,
    )
    """JSON map name -> {"token_sha256": "<hex>", "role": "lead"}; dev: "demo", "demo-token"."""
    approval_roles: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_ROLES))
    """JSON map role -> tools its approvers may approve ("*": all); others get 403."""
    approval_signing_secret: SecretStr | None = None
    """Signs approve/reject links and inbox sessions; unset: a random per-process secret."""
    approval_public_url: str = ""
    """Public base URL of approval-api in links and notifications (approval-api: unset means
    http://<host>:<port>; the notifier defaults to http://127.0.0.1:8081)."""
    approval_link_ttl_s: int = Field(default=DAY_S, gt=0)
    """Lifetime of a signed approve/reject link (never beyond the item's expiry)."""
    approval_session_ttl_s: int = Field(default=8 * 3600, gt=0)
    """Lifetime of an approval-inbox login."""
    approval_api_host: str = "127.0.0.1"
    """Address the approval API binds."""
    approval_api_port: int = 8081
    """Port of the approval API."""

    @model_validator(mode="after")
    def _memory_outlasts_window(self) -> Self:
        # Forgetting a decision while its item could still exist would let a redelivery
        # park the action again.
        if self.approval_memory_s < sum(t.window_s for t in self.tiers):
            raise ValueError("approval_memory_s must be at least the whole approval window")
        if self.create_ticket_adapter == "linear" and not (
            self.linear_api_key and self.linear_api_key.get_secret_value() and self.linear_team_id
        ):
            raise ValueError("the linear adapter needs linear_api_key and linear_team_id")
        unknown = {a.role for a in self.approvers.values()} - set(self.approval_roles)
        if unknown:
            raise ValueError(f"approvers have roles not in approval_roles: {sorted(unknown)}")
        return self

    @property
    def tiers(self) -> list[Tier]:
        """The escalation tiers; without any, one tier of approval_window_s for everyone."""
        return self.approval_tiers or [Tier(name="approvers", window_s=self.approval_window_s)]

    @property
    def public_url(self) -> str:
        base = self.approval_public_url or (
            f"http://{self.approval_api_host}:{self.approval_api_port}"
        )
        return base.rstrip("/")

    def may_approve(self, approver: str, tool: str) -> bool:
        """Whether the approver's role allows approving ``tool``."""
        found = self.approvers.get(approver)
        allowed = self.approval_roles.get(found.role, []) if found else []
        return "*" in allowed or tool in allowed

    @property
    def policy_file(self) -> Path:
        return Path(self.approval_policy_file) if self.approval_policy_file else PACKAGED_POLICY

    def tool_url(self, tool: str) -> str:
        return self.tool_urls.get(tool) or f"{self.tools_base_url.rstrip('/')}/{tool}"
