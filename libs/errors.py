"""Exception types shared by the stages; the stage runner dispatches on them."""

from __future__ import annotations


class TransientError(Exception):
    """Worth retrying: a dependency was briefly unavailable (HTTP 5xx, Redis timeout, ...)."""


class PermanentError(Exception):
    """Will fail the same way every time: the message goes to the DLQ at once."""


class EffectInProgress(TransientError):
    """Another delivery of the same event holds the idempotency lease; try again later."""
