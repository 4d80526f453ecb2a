"""The :class:`Cache`: one backend's values with prefixes, TTLs, tags, counters and locks.

Every backend (:mod:`.memory`, :mod:`.redis`, :mod:`.database`) is used through this one
interface::

    cache = get_cache(app)                          # or get_cache(app, "redis")
    await cache.set("user:1", {"name": "Ada"}, ttl=60, tags=["users"])
    await cache.get("user:1")                       # {"name": "Ada"}, None when missing
    await cache.get_or_set("report", build_report, ttl=600, early_refresh=30)
    await cache.invalidate_tags("users")            # every entry tagged "users" is stale

**Tags** are versions: each tag has a counter, an entry records the versions of its tags
when stored, and a read that finds a tag moved on treats the entry as missing. So
invalidating a tag is one increment, whatever the number of entries.

**Stampede protection**: :meth:`Cache.get_or_set` runs one computation per key at a time
in the process (the other callers wait for its result), and on a shared backend takes a
lock in the store too, so other processes wait for the value instead of computing it.
With ``early_refresh`` a value that expires within that many seconds is recomputed by
one caller while the others still get it.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shipyard.cache.codec import decode, encode
from shipyard.cache.memory import MemoryStore
from shipyard.cache.singleflight import SingleFlight
from shipyard.cache.store import Store

T = TypeVar("T")

_LONG_KEY = 160
_POLL_SECONDS = 0.02


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored value with the tag versions it was stored under and when (wall clock)."""

    value: Any
    tags: Mapping[str, int] | None
    stored_at: float
    expires_at: float | None

    @property
    def age(self) -> int:
        """Whole seconds since it was stored (the ``Age`` header)."""
        return max(0, int(time.time() - self.stored_at))

    def to_bytes(self) -> bytes:
        return encode({"v": self.value, "t": self.tags, "s": self.stored_at, "e": self.expires_at})

    @classmethod
    def from_bytes(cls, data: bytes | str) -> Entry | None:
        """The entry, or None for data that is not one (a corrupt or foreign value)."""
        try:
            raw = decode(data)
            return cls(raw["v"], raw["t"], float(raw["s"]), raw["e"])
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(slots=True)
class CacheStats:
    """Counters of this process: reads that hit or missed, writes, computations."""

    hits: int = 0
    misses: int = 0
    sets: int = 0
    computations: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "sets": self.sets,
            "computations": self.computations,
        }


@dataclass
class Cache:
    """One backend's cache; ``name`` is how ``@cache(backend=...)`` refers to it."""

    store: Store
    name: str = "memory"
    prefix: str = "shipyard:cache:"
    default_ttl: float = 300.0
    lock_timeout: float = 10.0
    stats: CacheStats = field(default_factory=CacheStats)
    _flight: SingleFlight = field(default_factory=SingleFlight, repr=False)
    _reads: SingleFlight = field(default_factory=SingleFlight, repr=False)

    # -- keys ---------------------------------------------------------------------------

    def key(self, key: str, namespace: str = "k") -> str:
        """The store key of ``key`` (long keys are hashed to fit every backend)."""
        if len(key) > _LONG_KEY:
            key = "#" + hashlib.sha256(key.encode()).hexdigest()
        return f"{self.prefix}{namespace}:{key}"

    def _tag_key(self, tag: str) -> str:
        return self.key(tag, "t")

    def _ttl(self, ttl: float | None) -> float:
        return self.default_ttl if ttl is None else ttl

    # -- entries ------------------------------------------------------------------------

    def _load(self, raw: Any) -> Entry | None:
        if raw is None:
            return None
        entry = Entry.from_bytes(raw) if self.store.encodes else raw
        if not isinstance(entry, Entry):
            return None
        if entry.expires_at is not None and entry.expires_at <= time.time():
            return None
        return entry

    async def _fresh(
        self, entries: list[Entry | None], known: Mapping[str, int] | None = None
    ) -> list[Entry | None]:
        """``entries`` with those whose tags moved on replaced by None (``known``: tag
        versions already read with the entries)."""
        versions = dict(known or {})
        tags = sorted(
            {
                tag
                for entry in entries
                if entry and entry.tags
                for tag in entry.tags
                if tag not in versions
            }
        )
        if tags:
            counters = await self.store.counters([self._tag_key(t) for t in tags])
            versions.update(zip(tags, counters, strict=True))
        return [
            entry
            if entry is None
            or not entry.tags
            or all(versions[tag] == version for tag, version in entry.tags.items())
            else None
            for entry in entries
        ]

    async def get_entries(
        self, keys: Sequence[str], *, tags: Iterable[str] = ()
    ) -> list[Entry | None]:
        """The live, current :class:`Entry` of each key (None when missing or stale).

        ``tags``, the tags the entries are expected to carry, are read with them (one
        round trip to Redis or the database for a hit, instead of two).
        """
        return self._counted(await self._read(keys, sorted(set(tags))))

    async def get_entry(self, key: str, *, tags: Iterable[str] = ()) -> Entry | None:
        """The live, current :class:`Entry` of ``key``, or None (``tags``: as above).

        On a remote store (Redis), concurrent reads of one key in this process share one
        round trip: a burst of requests for a hot page costs Redis one ``MGET``, not one
        each (the database store reads in the caller's transaction, so it never shares).
        """
        names = sorted(set(tags))
        if not self.store.remote:
            return self._counted(await self._read([key], names))[0]
        entries, _leader = await self._reads.run(
            "\n".join([key, *names]), lambda: self._read([key], names)
        )
        return self._counted(entries)[0]

    async def _read(self, keys: Sequence[str], names: list[str]) -> list[Entry | None]:
        raw, counters = await self.store.read(
            [self.key(key) for key in keys], [self._tag_key(name) for name in names]
        )
        known = dict(zip(names, counters, strict=True))
        return await self._fresh([self._load(item) for item in raw], known)

    def _counted(self, entries: list[Entry | None]) -> list[Entry | None]:
        hits = sum(entry is not None for entry in entries)
        self.stats.hits += hits
        self.stats.misses += len(entries) - hits
        return entries

    async def _tag_versions(self, tags: Iterable[str]) -> dict[str, int] | None:
        names = sorted(set(tags))
        if not names:
            return None
        return dict(
            zip(names, await self.store.counters([self._tag_key(t) for t in names]), strict=True)
        )

    def _entry(self, value: Any, ttl: float, tags: Mapping[str, int] | None) -> Any:
        now = time.time()
        entry = Entry(value, tags, now, now + ttl)
        return entry.to_bytes() if self.store.encodes else entry

    # -- synchronous access (memory only: template fragments render synchronously) ---

    def _memory(self) -> MemoryStore:
        if not isinstance(self.store, MemoryStore):
            raise TypeError(f"the {self.name} cache has no synchronous access")
        return self.store

    def get_now(self, key: str) -> Entry | None:
        """:meth:`get_entry` without awaiting; only on a memory cache."""
        store = self._memory()
        entry = self._load(store.get_now(self.key(key)))
        if entry is not None and entry.tags:
            names = list(entry.tags)
            current = store.counters_now([self._tag_key(name) for name in names])
            if any(
                entry.tags[name] != version for name, version in zip(names, current, strict=True)
            ):
                entry = None
        if entry is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return entry

    def set_now(self, key: str, value: Any, ttl: float | None, tags: Iterable[str] = ()) -> None:
        """:meth:`set` without awaiting; only on a memory cache."""
        store = self._memory()
        names = sorted(set(tags))
        versions = dict(
            zip(names, store.counters_now([self._tag_key(n) for n in names]), strict=True)
        )
        seconds = self._ttl(ttl)
        store.set_now(self.key(key), self._entry(value, seconds, versions or None), seconds)
        self.stats.sets += 1

    # -- the interface ------------------------------------------------------------------

    async def get(self, key: str, default: Any = None) -> Any:
        """The cached value of ``key``, or ``default``."""
        entry = await self.get_entry(key)
        return default if entry is None else entry.value

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """The cached values of those ``keys`` that have one."""
        entries = await self.get_entries(keys)
        return {
            key: entry.value for key, entry in zip(keys, entries, strict=True) if entry is not None
        }

    async def set(
        self, key: str, value: Any, ttl: float | None = None, *, tags: Iterable[str] = ()
    ) -> None:
        """Store ``value`` for ``ttl`` seconds (``cache.default_ttl`` when None), tagged."""
        await self.set_many({key: value}, ttl, tags=tags)

    async def set_many(
        self, items: Mapping[str, Any], ttl: float | None = None, *, tags: Iterable[str] = ()
    ) -> None:
        """Store every value with the same ``ttl`` and ``tags``."""
        await self._store(items, ttl, await self._tag_versions(tags))

    async def _store(
        self, items: Mapping[str, Any], ttl: float | None, versions: Mapping[str, int] | None
    ) -> None:
        seconds = self._ttl(ttl)
        stored = {
            self.key(key): self._entry(value, seconds, versions) for key, value in items.items()
        }
        await self.store.set_many(stored, seconds)
        self.stats.sets += len(stored)

    async def delete(self, *keys: str) -> int:
        """Forget the keys; how many existed."""
        return await self.store.delete_many([self.key(key) for key in keys])

    async def incr(self, key: str, delta: int = 1, ttl: float | None = None) -> int:
        """Add ``delta`` to counter ``key`` (a new counter starts at 0 and lives ``ttl``
        seconds, forever when None); its new value. ``incr(key, 0)`` reads it."""
        return await self.store.incr(self.key(key, "n"), delta, ttl)

    async def invalidate_tags(self, *tags: str) -> None:
        """Make every entry stored with any of ``tags`` stale, now.

        During a request whose database transaction is open use
        :func:`shipyard.cache.invalidate_tags`, which waits for the commit.
        """
        for tag in sorted(set(tags)):
            await self.store.incr(self._tag_key(tag), 1, None)

    async def clear(self) -> int:
        """Delete every entry, counter and tag version under this cache's prefix."""
        return await self.store.clear(self.prefix)

    async def get_or_set(
        self,
        key: str,
        compute: Callable[[], Awaitable[T]],
        ttl: float | None = None,
        *,
        tags: Iterable[str] = (),
        early_refresh: float | None = None,
    ) -> T:
        """The cached value of ``key``, else ``await compute()`` stored for ``ttl``.

        Concurrent misses compute once (see the module docstring). With ``early_refresh``
        seconds, an entry that expires sooner than that is recomputed by one caller while
        the others are served the current value.
        """
        tag_list = tuple(tags)
        entry = await self.get_entry(key, tags=tag_list)
        if entry is not None and not _due(entry, early_refresh):
            return entry.value  # type: ignore[no-any-return]
        if entry is not None and key in self._flight:
            return entry.value  # type: ignore[no-any-return]  # refreshing already

        async def fill() -> Any:
            return await self._fill(key, compute, ttl, tag_list, entry)

        value, _leader = await self._flight.run(key, fill)
        return value  # type: ignore[no-any-return]

    async def _fill(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        ttl: float | None,
        tags: tuple[str, ...],
        stale: Entry | None,
    ) -> Any:
        if not self.store.shared:
            return await self._compute(key, compute, ttl, tags)
        lock, token = self.key(key, "lock"), secrets.token_hex(8)
        if await self.store.add(lock, token.encode(), self.lock_timeout):
            try:
                current = await self._peek(key)
                if stale is None and current is not None:
                    return current.value  # stored by another process since our miss
                return await self._compute(key, compute, ttl, tags)
            finally:
                await self.store.release(lock, token.encode())
        if stale is not None:
            return stale.value  # another process is refreshing it
        deadline = time.monotonic() + self.lock_timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(_POLL_SECONDS)
            entry = await self._peek(key)
            if entry is not None:
                return entry.value
        return await self._compute(key, compute, ttl, tags)  # the holder is too slow

    async def _peek(self, key: str) -> Entry | None:
        """The current entry of ``key``, not counted in the statistics."""
        raw = (await self.store.get_many([self.key(key)]))[0]
        return (await self._fresh([self._load(raw)]))[0]

    async def _compute(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        ttl: float | None,
        tags: tuple[str, ...],
    ) -> Any:
        versions = await self._tag_versions(tags)  # before: an invalidation meanwhile wins
        self.stats.computations += 1
        value = await compute()
        await self._store({key: value}, ttl, versions)
        return value

    async def close(self) -> None:
        """Close the store's connections."""
        await self.store.close()


def _due(entry: Entry, early_refresh: float | None) -> bool:
    if early_refresh is None or entry.expires_at is None:
        return False
    return entry.expires_at - time.time() <= early_refresh
