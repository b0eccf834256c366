"""Rate-limit window arithmetic: window numbers and Retry-After."""

from __future__ import annotations

import pytest

from services.ingest.ratelimit import RateLimits, Window, retry_after

LIMITS = RateLimits(per_minute=30, burst=10, burst_window_s=10)


def test_windows_are_numbered_by_their_start() -> None:
    minute, burst = LIMITS.windows(1_000_000.5)
    assert (minute.number, minute.size_s, minute.limit) == (16_666, 60, 30)
    assert (burst.number, burst.size_s, burst.limit) == (100_000, 10, 10)


def test_instants_in_one_window_share_its_number() -> None:
    assert LIMITS.windows(120.0)[0] == LIMITS.windows(179.9)[0] != LIMITS.windows(180.0)[0]
    assert LIMITS.windows(120.0)[1] == LIMITS.windows(129.9)[1] != LIMITS.windows(130.0)[1]


@pytest.mark.parametrize(
    ("now", "left"), [(120.0, 60), (120.2, 60), (150.0, 30), (178.5, 2), (179.99, 1)]
)
def test_seconds_left_rounds_up_and_is_never_zero(now: float, left: int) -> None:
    minute, _ = LIMITS.windows(now)
    assert minute.seconds_left(now) == left


def test_retry_after_waits_for_the_burst_window_alone() -> None:
    now = 123.0
    _, burst = LIMITS.windows(now)
    assert retry_after(now, (burst,)) == 7


def test_retry_after_waits_for_every_full_window() -> None:
    now = 123.0
    minute, burst = LIMITS.windows(now)
    assert retry_after(now, (minute, burst)) == 57


def test_retry_after_is_the_moment_the_window_frees() -> None:
    window = Window(number=5, size_s=10, limit=1)
    assert 54.0 + retry_after(54.0, (window,)) == 60.0
