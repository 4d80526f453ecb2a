"""The sliding-window counter: two counts per key, a decision in a few microseconds.

A limit of ``N`` per ``period`` splits time into windows of ``period`` seconds aligned
on the epoch and keeps, per key, the window number, the hits admitted in it and in the
one before. A hit ``elapsed`` seconds into the window is admitted when
``floor(previous * (period - elapsed) / period) + current < N``: the previous window's
hits are assumed spread evenly, so the estimate slides with time (Cloudflare's and
``limits``' sliding window counter). ``sliding=False`` drops the previous window: a
fixed window, one count. Refused hits are not counted.

:func:`decide` is the algorithm; :class:`MemoryWindows` keeps the counts of one process
(three numbers per key, keys idle for two periods swept away); the Redis backend runs the
same arithmetic in a Lua script (:mod:`shipyard.ratelimit.redis_windows`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import NamedTuple, Protocol

SWEEP_EVERY = 10.0
"""Seconds between two sweeps of idle keys in memory."""


class Check(NamedTuple):
    """One limit to count a hit against: ``amount`` per ``period`` seconds, for ``key``.

    The value types of a hit are named tuples: made several times per request, and a
    tuple is made in C where a frozen dataclass sets each field through Python.
    """

    key: str
    amount: int
    period: int


class Outcome(NamedTuple):
    """What one check decided: admitted or not, hits left, seconds until it frees up."""

    allowed: bool
    remaining: int
    reset_after: float


def decide(check: Check, elapsed: float, current: int, previous: int, *, sliding: bool) -> Outcome:
    """The decision of a hit ``elapsed`` seconds into the window (counts before the hit)."""
    amount, period = check.amount, check.period
    weighted = math.floor(previous * (period - elapsed) / period) if sliding else 0
    used = weighted + current
    if used < amount:
        return Outcome(True, amount - used - 1, period - elapsed)
    if current >= amount:
        # Full on its own: wait for the next window, where these hits become the previous.
        wait = period - elapsed
        if sliding:
            wait += max(0.0, 1 - amount / current) * period
    else:
        # The previous window's share must decay below what is left of the limit.
        wait = (1 - (amount - current) / previous) * period - elapsed
    return Outcome(False, 0, wait + 0.001)


class Windows(Protocol):
    """Where the counts live: :class:`MemoryWindows` or the Redis backend."""

    async def hit(self, checks: Sequence[Check]) -> list[Outcome]:
        """Count one hit against each check in order, stopping after the first refusal."""

    async def reset(self) -> None:
        """Forget every count."""


class MemoryWindows:
    """The counts of one process: ``key -> [window, current, previous]``."""

    def __init__(self, *, sliding: bool) -> None:
        self.sliding = sliding
        self._counts: dict[str, list[int]] = {}
        self._expiry: dict[str, float] = {}
        self._next_sweep = time.time() + SWEEP_EVERY

    async def hit(self, checks: Sequence[Check]) -> list[Outcome]:
        """Count one hit against each check in order, stopping after the first refusal."""
        now = time.time()
        if now >= self._next_sweep:
            self._sweep(now)
        outcomes: list[Outcome] = []
        for check in checks:
            window, elapsed = divmod(now, check.period)
            entry = self._counts.get(check.key)
            if entry is None or entry[0] < window - 1:
                entry = [int(window), 0, 0]
            elif entry[0] == window - 1:
                entry = [int(window), 0, entry[1]]
            outcome = decide(check, elapsed, entry[1], entry[2], sliding=self.sliding)
            outcomes.append(outcome)
            if not outcome.allowed:
                break
            entry[1] += 1
            self._counts[check.key] = entry
            self._expiry[check.key] = (window + 2) * check.period
        return outcomes

    async def reset(self) -> None:
        """Forget every count."""
        self._counts.clear()
        self._expiry.clear()

    def __len__(self) -> int:
        return len(self._counts)

    def _sweep(self, now: float) -> None:
        """Drop the keys whose counts no longer matter (idle for two windows)."""
        for key in [key for key, expiry in self._expiry.items() if expiry <= now]:
            del self._counts[key], self._expiry[key]
        self._next_sweep = now + SWEEP_EVERY
