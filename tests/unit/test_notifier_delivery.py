"""How failed channel deliveries become one error the stage acts on."""

from __future__ import annotations

from libs.errors import EffectInProgress, PermanentError, TransientError
from services.notifier.delivery import delivery_error, stage_for


def test_any_retryable_failure_makes_the_event_retryable() -> None:
    first = PermanentError("410")
    error = delivery_error({"webhook": first, "slack": TransientError("503")})

    assert isinstance(error, TransientError)
    assert "webhook: PermanentError: 410" in str(error)
    assert "slack: TransientError: 503" in str(error)
    assert error.__cause__ is first


def test_a_marker_held_elsewhere_is_retryable() -> None:
    assert isinstance(delivery_error({"log": EffectInProgress("lease")}), TransientError)


def test_only_permanent_failures_send_the_event_to_the_dlq_at_once() -> None:
    error = delivery_error({"webhook": PermanentError("400"), "log": ValueError("bad")})

    assert isinstance(error, PermanentError)
    assert not isinstance(error, TransientError)


def test_markers_are_kept_per_channel() -> None:
    assert stage_for("webhook") == "notifier:webhook"
    assert stage_for("callback") != stage_for("webhook")
