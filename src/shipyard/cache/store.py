"""The storage protocol every cache backend implements, below tags, TTL defaults and locks.

A :class:`Store` keeps opaque values under full keys (the :class:`~shipyard.cache.cache.Cache`
adds the prefix), each with an optional time to live, plus integer counters (``incr``,
also used for tag versions). Shared stores (Redis, the database) keep bytes; the memory
store keeps Python objects as they are (``encodes`` says which). ``add`` writes only
when the key is absent: it is the lock behind stampede protection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Store(Protocol):
    """Where cached values live. ``ttl`` is in seconds; None keeps a value until evicted."""

    encodes: bool
    """True when values must be bytes (the cache serialises them); False keeps objects."""
    shared: bool
    """True when several processes see the same values (then locks are taken in the store)."""
    remote: bool
    """True when a read is a round trip to a server whose answer is the same for every
    caller (no caller's transaction in it): concurrent reads of one key then share one."""

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        """The live value of each key, None for a missing or expired one."""
        ...

    async def read(
        self, keys: Sequence[str], counter_keys: Sequence[str]
    ) -> tuple[list[Any | None], list[int]]:
        """:meth:`get_many` of ``keys`` and :meth:`counters` of ``counter_keys`` together,
        in one round trip where the store has one (a cache hit and its tag versions)."""
        ...

    async def set_many(self, items: Mapping[str, Any], ttl: float | None) -> None:
        """Create or replace every value."""
        ...

    async def add(self, key: str, value: Any, ttl: float | None) -> bool:
        """Store ``value`` only if ``key`` has no live value; True when it did."""
        ...

    async def release(self, key: str, value: Any) -> None:
        """Delete ``key`` only if it still holds ``value`` (a lock this caller took)."""
        ...

    async def delete_many(self, keys: Sequence[str]) -> int:
        """Forget the keys; how many existed."""
        ...

    async def incr(self, key: str, delta: int, ttl: float | None) -> int:
        """Add ``delta`` to the counter ``key`` (missing counts as 0); its new value."""
        ...

    async def counters(self, keys: Sequence[str]) -> list[int]:
        """The value of each counter (0 when missing)."""
        ...

    async def clear(self, prefix: str) -> int:
        """Delete every value and counter whose key starts with ``prefix``; how many."""
        ...

    async def count(self, prefix: str) -> int:
        """How many values and counters have a key starting with ``prefix``."""
        ...

    async def close(self) -> None:
        """Release connections (the app is shutting down)."""
        ...
