"""RetryPolicy: backoff, cap, jitter bounds and non-retried errors."""

from __future__ import annotations

import random

import pytest

from shipyard.errors import ShipyardError
from shipyard.jobs import RetryPolicy


def test_delays_grow_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=10, base=2, factor=3, cap=100, jitter=0)
    assert [policy.next_delay(n) for n in range(1, 6)] == [2, 6, 18, 54, 100]


def test_huge_attempt_numbers_stay_at_the_cap() -> None:
    assert RetryPolicy(base=1, factor=10, cap=60, jitter=0).next_delay(10_000) == 60


def test_jitter_spreads_within_bounds_and_is_reproducible() -> None:
    policy = RetryPolicy(base=100, factor=1, cap=1000, jitter=0.2)
    delays = [policy.next_delay(1, random.Random(seed)) for seed in range(200)]
    assert all(80 <= delay <= 120 for delay in delays)
    assert len(set(delays)) > 100
    assert policy.next_delay(1, random.Random(3)) == policy.next_delay(1, random.Random(3))


def test_retries_until_attempts_are_used_up_except_no_retry_errors() -> None:
    policy = RetryPolicy(attempts=3, no_retry=(KeyError,))
    assert policy.retries(1, ValueError())
    assert policy.retries(2, ValueError())
    assert not policy.retries(3, ValueError())
    assert not policy.retries(1, KeyError("x"))


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"attempts": 0}, "attempts must be at least 1"),
        ({"base": -1}, "must not be negative"),
        ({"factor": 0.5}, "factor must be at least 1"),
        ({"jitter": 1.5}, "jitter must be between 0 and 1"),
    ],
)
def test_invalid_policies_are_refused(options: dict[str, float], problem: str) -> None:
    with pytest.raises(ShipyardError, match=problem):
        RetryPolicy(**options)  # type: ignore[arg-type]
