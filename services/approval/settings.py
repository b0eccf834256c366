"""Approval settings (``TRIAGE_`` environment prefix): policy, window, tools, approvers, API."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import BaseModel, Field, SecretStr, model_validator

from libs.security import hash_token
from libs.settings import ServiceSettings

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


class ApprovalSettings(ServiceSettings):
    service_name: str = "approval"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    approval_policy_file: str = ""
    """YAML approval policy (unset: services/approval/policy.yaml); invalid stops the worker."""
    approval_window_s: int = Field(default=DAY_S, gt=0)
    """How long a pending item waits for a decision (Redis TTL and expires_at)."""
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

    approvers: dict[str, Approver] = Field(
        default_factory=lambda: {
            DEMO_APPROVER: {"token_sha256": hash_token(DEMO_TOKEN), "role": "lead"}
        },
        validate_default=True,
    )
    """JSON map name -> {"token_sha256": "<hex>", "role": "lead"}; dev: "demo", "demo-token"."""
    approval_api_host: str = "127.0.0.1"
    """Address the approval API binds."""
    approval_api_port: int = 8081
    """Port of the approval API."""

    @model_validator(mode="after")
    def _memory_outlasts_window(self) -> Self:
        # Forgetting a decision while its item could still exist would let a redelivery
        # park the action again.
        if self.approval_memory_s < self.approval_window_s:
            raise ValueError("approval_memory_s must be at least approval_window_s")
        return self

    @property
    def policy_file(self) -> Path:
        return Path(self.approval_policy_file) if self.approval_policy_file else PACKAGED_POLICY

    def tool_url(self, tool: str) -> str:
        return self.tool_urls.get(tool) or f"{self.tools_base_url.rstrip('/')}/{tool}"
