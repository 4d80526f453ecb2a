"""The memory store: a bounded LRU of Python objects, private to one process (the default).

Values are kept as they are (no serialisation: a hit costs a dictionary lookup), so treat
cached objects as read-only. When ``max_entries`` values are held, storing another evicts
the least recently used. Counters (``incr``, tag versions) live apart from values and are
never evicted, so an invalidated tag cannot come back to life when the LRU is full.
Everything is synchronous underneath (the template fragment cache uses that); the async
methods only satisfy :class:`~shipyard.cache.store.Store`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any


def _deadline(ttl: float | None) -> float | None:
    return None if ttl is None else time.monotonic() + ttl


def _live(deadline: float | None) -> bool:
    return deadline is None or deadline > time.monotonic()


class MemoryStore:
    """A per-process LRU with expiry."""

    encodes = False
    shared = False
    remote = False

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[str, tuple[Any, float | None]] = OrderedDict()
        self._counters: dict[str, tuple[int, float | None]] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get_now(self, key: str) -> Any | None:
        """The live value of ``key`` (marked recently used), or None."""
        found = self._values.get(key)
        if found is None:
            return None
        if not _live(found[1]):
            del self._values[key]
            return None
        self._values.move_to_end(key)
        return found[0]

    def set_now(self, key: str, value: Any, ttl: float | None) -> None:
        """Store ``value``, evicting the least recently used values beyond the bound."""
        self._values[key] = (value, _deadline(ttl))
        self._values.move_to_end(key)
        while len(self._values) > self.max_entries:
            self._values.popitem(last=False)

    def counters_now(self, keys: Sequence[str]) -> list[int]:
        """The live value of each counter (0 when missing)."""
        values = []
        for key in keys:
            found = self._counters.get(key)
            values.append(found[0] if found is not None and _live(found[1]) else 0)
        return values

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        return [self.get_now(key) for key in keys]

    async def read(
        self, keys: Sequence[str], counter_keys: Sequence[str]
    ) -> tuple[list[Any | None], list[int]]:
        return [self.get_now(key) for key in keys], self.counters_now(counter_keys)

    async def set_many(self, items: Mapping[str, Any], ttl: float | None) -> None:
        for key, value in items.items():
            self.set_now(key, value, ttl)

    async def add(self, key: str, value: Any, ttl: float | None) -> bool:
        if self.get_now(key) is not None:
            return False
        self.set_now(key, value, ttl)
        return True

    async def release(self, key: str, value: Any) -> None:
        if self.get_now(key) == value:
            del self._values[key]

    async def delete_many(self, keys: Sequence[str]) -> int:
        return sum(
            self._values.pop(key, None) is not None or self._counters.pop(key, None) is not None
            for key in keys
        )

    async def incr(self, key: str, delta: int, ttl: float | None) -> int:
        current = self.counters_now([key])[0]
        found = self._counters.get(key)
        deadline = found[1] if found is not None and current else _deadline(ttl)
        self._counters[key] = (current + delta, deadline)
        return current + delta

    async def counters(self, keys: Sequence[str]) -> list[int]:
        return self.counters_now(keys)

    async def clear(self, prefix: str) -> int:
        gone = [key for key in self._values if key.startswith(prefix)]
        for key in gone:
            del self._values[key]
        counters = [key for key in self._counters if key.startswith(prefix)]
        for key in counters:
            del self._counters[key]
        return len(gone) + len(counters)

    async def count(self, prefix: str) -> int:
        keys = [*self._values, *self._counters]
        return sum(key.startswith(prefix) for key in keys)

    async def close(self) -> None:
        self._values.clear()
        self._counters.clear()
