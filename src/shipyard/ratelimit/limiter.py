"""The limiter: sliding-window counters in memory or on Redis, and the decision of a hit.

:class:`Limiter` counts hits with the sliding-window counter of
:mod:`shipyard.ratelimit.window` (``ratelimit.strategy``: ``sliding-window``, or
``fixed-window``; ``moving-window`` is accepted as ``sliding-window``): in process
(constant memory per key, microseconds per hit) or on Redis, where :meth:`Limiter.hit_all`
checks every limit of a request in one Lua script call, atomically, so worker processes
sharing one Redis never admit more than the limit together. The ``limits`` storage is kept
for the login throttle's counters (:mod:`shipyard.ratelimit.throttle`) on the same server.
A hit returns a :class:`Decision` carrying what the ``RateLimit-*`` headers report.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from shipyard.config.limits import parse_limit
from shipyard.config.models import RateLimitSettings
from shipyard.ratelimit.redis_windows import RedisWindows
from shipyard.ratelimit.window import Check, MemoryWindows, Outcome, Windows

logger = logging.getLogger("shipyard.ratelimit")

SLIDING_STRATEGIES = frozenset({"sliding-window", "moving-window"})
"""Strategies counted with the sliding window (``moving-window``: the old name)."""


class Decision(NamedTuple):
    """The outcome of one hit on one limit (a named tuple, as :class:`Check` is)."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int
    """Seconds until the window frees capacity again (at least 1)."""

    def headers(self) -> dict[str, str]:
        """The IETF draft ``RateLimit-*`` headers, plus ``Retry-After`` when refused."""
        values = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_after),
        }
        if not self.allowed:
            values["Retry-After"] = str(self.reset_after)
        return values

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The ``RateLimit-*`` headers as ASGI header pairs (no ``Retry-After``)."""
        return [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset_after).encode()),
        ]

    def tighter(self, other: Decision | None) -> Decision:
        """Of two decisions on one request, the one the headers should report."""
        if other is None:
            return self
        if self.allowed != other.allowed:
            return other if not other.allowed else self
        return other if other.remaining < self.remaining else self


Hit = tuple[str, Sequence[str]]
"""One limit string and the identifiers whose counter it is (``("5/minute", ("ip:1",))``)."""


@lru_cache(maxsize=1024)
def amount_and_period(limit: str) -> tuple[int, int]:
    """``(amount, seconds)`` of a limit string (``"60/minute"`` -> ``(60, 60)``)."""
    item = parse_limit(limit)
    return item.amount, item.get_expiry()


def check_of(limit: str, identifiers: Sequence[str]) -> Check:
    """The window check of ``limit`` for ``identifiers`` (its key names the limit too)."""
    amount, period = amount_and_period(limit)
    return Check(f"{amount}/{period}/{'/'.join(identifiers)}", amount, period)


def decision_of(check: Check, outcome: Outcome) -> Decision:
    """The :class:`Decision` (whole seconds, at least 1) of a window outcome."""
    reset_after = max(1, math.ceil(outcome.reset_after))
    return Decision(outcome.allowed, check.amount, outcome.remaining, reset_after)


class Limiter:
    """Counts hits against limits, in memory or on Redis."""

    def __init__(
        self,
        windows: Windows | None = None,
        *,
        storage: Storage | None = None,
        fail_open: bool = True,
    ) -> None:
        self.windows = windows if windows is not None else MemoryWindows(sliding=True)
        self.storage = storage if storage is not None else MemoryStorage()
        """The ``limits`` storage of the login throttle's counters."""
        self.fail_open = fail_open

    @classmethod
    def from_settings(cls, settings: RateLimitSettings) -> Limiter:
        """The limiter ``ratelimit`` settings describe (no connection is opened yet)."""
        sliding = settings.strategy in SLIDING_STRATEGIES
        if settings.storage != "redis":
            return cls(MemoryWindows(sliding=sliding), fail_open=settings.fail_open)
        from redis.asyncio import ConnectionPool, Redis  # only apps that count on Redis load it

        url = settings.redis_url.get_secret_value().removeprefix("async+")
        pool = ConnectionPool.from_url(url)
        client = Redis(connection_pool=pool)
        windows = RedisWindows(client, prefix=settings.key_prefix, sliding=sliding)
        storage = RedisStorage(
            f"async+{url}",
            implementation="redispy",
            key_prefix=settings.key_prefix,
            connection_pool=pool,  # type: ignore[arg-type]  # limits types options as scalars
        )
        return cls(windows, storage=storage, fail_open=settings.fail_open)

    async def hit(self, limit: str, *identifiers: str) -> Decision:
        """Count one request for ``identifiers`` against ``limit`` and say if it is admitted."""
        check = check_of(limit, identifiers)
        return decision_of(check, (await self._outcomes((check,)))[0])

    async def hit_all(self, hits: Sequence[Hit]) -> list[Decision]:
        """Count one request against each limit in order, in one storage round trip.

        Stops at the first refusal: the limits after it are not counted, and the list
        ends with the refusal. On a storage failure every limit admits when ``fail_open``.
        """
        checks = [check_of(limit, identifiers) for limit, identifiers in hits]
        outcomes = await self._outcomes(checks)
        return [
            decision_of(check, outcome) for check, outcome in zip(checks, outcomes, strict=False)
        ]

    async def _outcomes(self, checks: Sequence[Check]) -> list[Outcome]:
        try:
            return await self.windows.hit(checks)
        except Exception:
            if not self.fail_open:
                raise
            logger.warning("rate-limit storage failed; admitting the request", exc_info=True)
        return [Outcome(True, check.amount, check.period) for check in checks]

    async def reset(self) -> None:
        """Forget every counter, the throttle's too (tests)."""
        await self.windows.reset()
        await self.storage.reset()
