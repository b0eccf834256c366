"""Per-player fixed-window rate limits: a minute window and a short burst window.

Counters are keyed by window number (``now // size``) so a window frees itself
at its boundary; the counting happens in Redis (``admission.py``), the
arithmetic of windows and Retry-After lives here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MINUTE_S = 60


@dataclass(frozen=True)
class Window:
    """One fixed window: its number, its size and how many tickets it admits."""

    number: int
    size_s: int
    limit: int

    def seconds_left(self, now: float) -> int:
        """Whole seconds until this window ends (at least 1, as Retry-After demands)."""
        return max(1, math.ceil((self.number + 1) * self.size_s - now))


@dataclass(frozen=True)
class RateLimits:
    per_minute: int
    burst: int
    burst_window_s: int

    def windows(self, now: float) -> tuple[Window, Window]:
        """The (minute, burst) windows that contain ``now``."""
        return (
            Window(int(now // MINUTE_S), MINUTE_S, self.per_minute),
            Window(int(now // self.burst_window_s), self.burst_window_s, self.burst),
        )


def retry_after(now: float, full: tuple[Window, ...]) -> int:
    """Seconds until every full window has freed, so the retry is admitted."""
    return max(w.seconds_left(now) for w in full)
