"""The limiter: one ``limits`` storage plus strategy, and the decision of one hit.

:class:`Limiter` wraps ``limits.aio`` (memory or Redis storage; moving-window or
fixed-window strategy). Both strategies are atomic on Redis (a Lua script or ``INCR``),
so several worker processes sharing one Redis never admit more than the limit together.
A hit returns a :class:`Decision` carrying what the ``RateLimit-*`` headers report.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
)

from shipyard.config.limits import parse_limit
from shipyard.config.models import RateLimitSettings

logger = logging.getLogger("shipyard.ratelimit")


@dataclass(frozen=True)
class Decision:
    """The outcome of one hit on one limit."""

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


def redis_storage_uri(url: str) -> str:
    """``redis://...`` (as in the other settings) as the async ``limits`` storage URI."""
    return url if url.startswith("async+") else f"async+{url}"


def make_storage(settings: RateLimitSettings) -> Storage:
    """The storage chosen by ``ratelimit.storage`` (no connection is opened yet)."""
    if settings.storage == "redis":
        return RedisStorage(
            redis_storage_uri(settings.redis_url.get_secret_value()),
            implementation="redispy",
            key_prefix=settings.key_prefix,
        )
    return MemoryStorage()


class Limiter:
    """Counts hits against limits in one storage with one strategy."""

    def __init__(
        self, storage: Storage, *, strategy: str = "moving-window", fail_open: bool = True
    ):
        self.storage = storage
        self.fail_open = fail_open
        self._strategy: RateLimiter = (
            FixedWindowRateLimiter(storage)
            if strategy == "fixed-window"
            else MovingWindowRateLimiter(storage)
        )

    @classmethod
    def from_settings(cls, settings: RateLimitSettings) -> Limiter:
        """The limiter ``ratelimit`` settings describe."""
        return cls(make_storage(settings), strategy=settings.strategy, fail_open=settings.fail_open)

    async def hit(self, limit: str | RateLimitItem, *identifiers: str) -> Decision:
        """Count one request for ``identifiers`` against ``limit`` and say if it is admitted."""
        item = parse_limit(limit) if isinstance(limit, str) else limit
        try:
            allowed = await self._strategy.hit(item, *identifiers)
            stats = await self._strategy.get_window_stats(item, *identifiers)
        except Exception:
            if not self.fail_open:
                raise
            logger.warning("rate-limit storage failed; admitting the request", exc_info=True)
            return Decision(True, item.amount, item.amount, item.get_expiry())
        reset_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Decision(allowed, item.amount, max(0, stats.remaining), reset_after)

    async def clear(self, limit: str | RateLimitItem, *identifiers: str) -> None:
        """Forget the hits of ``identifiers`` on ``limit`` (e.g. after a successful login)."""
        item = parse_limit(limit) if isinstance(limit, str) else limit
        await self._strategy.clear(item, *identifiers)

    async def reset(self) -> None:
        """Forget every counter in the storage (tests)."""
        await self.storage.reset()
