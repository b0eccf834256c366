"""Agent settings (``TRIAGE_`` environment prefix): shared service settings plus the triage's."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from libs.settings import ServiceSettings

#: Where the trained local model is cached unless configured (gitignored).
PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "model"

TriagerKind = Literal["local"]


class AgentSettings(ServiceSettings):
    service_name: str = "agent"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    agent_triager: TriagerKind = "local"
    """Which triager handles tickets: ``local`` (offline model)."""
    agent_model_dir: Path | None = None
    """Cache directory of the trained local model; unset: ``services/agent/model``."""
    agent_url_allowlist: list[str] = [
        "support.starfall.example",
        "status.starfall.example",
    ]
    """Hosts (and their subdomains) a draft reply may link to; other links are removed."""
    agent_forbidden_phrases: list[str] = [
        "full refund",
        "refund you",
        "we will refund",
        "we will compensate you",
        "you will be compensated",
        "you will receive compensation",
        "guaranteed",
        "rückerstattung garantiert",
        "remboursement intégral",
        "reembolso completo",
        "reembolso integral",
    ]
    """Phrases a draft must not contain (case-insensitive); one sends the ticket to a human."""
    agent_confidence_floor: float = Field(default=0.5, ge=0.0, le=1.0)
    """Triage confidence below which the ticket goes to a human."""

    @property
    def model_cache_dir(self) -> Path:
        return self.agent_model_dir or PACKAGE_MODEL_DIR
