"""Guard settings (``TRIAGE_`` environment prefix): shared service settings plus the engine's."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator

from libs.settings import ServiceSettings


class GuardSettings(ServiceSettings):
    service_name: str = "guard"
    """Name in logs, metrics, traces and the ``producer`` envelope field."""

    guard_max_chars: int = Field(default=8000, ge=100)
    """Longest ticket text the guard passes on; longer text is cut at a word and gets a finding."""
    guard_flag_threshold: float = Field(default=0.5, gt=0.0)
    """Guard score from which a ticket is flagged (passed on to the agent, marked untrusted)."""
    guard_block_threshold: float = Field(default=1.0, gt=0.0)
    """Guard score from which a ticket is blocked (human review; never reaches the LLM)."""
    guard_rules_path: Path | None = None
    """Guard rules file (YAML, validated at start-up); unset: the rules.yaml shipped with guard."""
    guard_pii_ttl_s: int = Field(default=3 * 24 * 3600, ge=60)
    """How long a ticket's PII mapping (placeholder -> value) stays in Redis for approvers."""
    guard_pii_key: SecretStr | None = None
    """Fernet key for PII values in Redis (``vault.new_key()``); unset: stored plain, TTL only."""
    guard_classifier: bool = True
    """Add the local injection classifier's opinion to the rules' score (catches new wordings)."""
    guard_classifier_dir: Path | None = None
    """Cache directory of the trained classifier table; unset: ``services/guard/model``."""
    guard_classifier_assist_p: float = Field(default=0.6, gt=0.0, lt=1.0)
    """Classifier probability from which it adds weight, lifting a weak rule to a flag."""
    guard_classifier_flag_p: float = Field(default=0.8, gt=0.0, le=1.0)
    """Classifier probability of its full assisting weight (with ``_ALONE``: it flags alone)."""
    guard_classifier_block_p: float = Field(default=0.995, gt=0.0, le=1.0)
    """With ``_ALONE``: classifier probability from which it blocks a ticket on its own."""
    guard_classifier_alone: bool = True
    """Let a confident classifier flag or block with no rule finding (off: it adds to rules)."""
    guard_classifier_clear_p: float = Field(default=0.1, ge=0.0, lt=1.0)
    """Classifier probability under which it clears weak rule findings (0: never clears)."""
    guard_classifier_clear_below: float = Field(default=2.0, ge=0.0)
    """Rule score from which the classifier never clears a ticket (strong findings stand)."""

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> Self:
        if self.guard_flag_threshold > self.guard_block_threshold:
            raise ValueError("guard_flag_threshold must not exceed guard_block_threshold")
        if not (
            self.guard_classifier_clear_p
            < self.guard_classifier_assist_p
            < self.guard_classifier_flag_p
            <= self.guard_classifier_block_p
        ):
            raise ValueError("need guard_classifier_clear_p < _assist_p < _flag_p <= _block_p")
        return self
