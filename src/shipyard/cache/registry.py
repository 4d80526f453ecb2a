"""The app's caches by backend name, opened on first use and closed with the app.

``cache.backend`` names the default; any other backend is opened when something asks for
it (``@cache(backend="redis")``, ``get_cache(app, "database")``). Every cache shares the
settings' prefix and TTL. :func:`get_cache` finds them from an app; ``@cached`` functions,
which have no app, use the registry of the app started last in the process
(:func:`process_registry`), or a private memory cache when no app has started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from starlette.applications import Starlette

from shipyard.cache.client import Cache
from shipyard.cache.memory import MemoryStore
from shipyard.cache.redis import RedisStore
from shipyard.cache.store import Store
from shipyard.config.sections.cache import CacheSettings
from shipyard.core.services import Service
from shipyard.db.database import Database
from shipyard.errors import ShipyardError

BackendName = Literal["memory", "redis", "database"]
BACKENDS: tuple[str, ...] = get_args(BackendName)


class CacheRegistry:
    """The caches of one app: ``settings`` says how to open each; ``database`` finds the DB."""

    def __init__(
        self, settings: CacheSettings, database: Callable[[], Database] | None = None
    ) -> None:
        self.settings = settings
        self.database = database
        self.caches: dict[str, Cache] = {}

    @property
    def default(self) -> Cache:
        """The cache of ``cache.backend``."""
        return self.get(None)

    def get(self, name: str | None) -> Cache:
        """The cache of backend ``name`` (None: the default), opened on first use."""
        name = name or self.settings.backend
        found = self.caches.get(name)
        if found is None:
            found = self.caches[name] = self._open(name)
        return found

    def provide(self, cache: Cache) -> Cache:
        """Use ``cache`` for its backend name (a test's own cache, say)."""
        self.caches[cache.name] = cache
        return cache

    def _open(self, name: str) -> Cache:
        return Cache(
            self._store(name),
            name=name,
            prefix=self.settings.key_prefix,
            default_ttl=self.settings.default_ttl,
            lock_timeout=self.settings.lock_timeout,
        )

    def _store(self, name: str) -> Store:
        if name == "memory":
            return MemoryStore(self.settings.max_entries)
        if name == "redis":
            if self.settings.url is None:
                raise ShipyardError(
                    "the redis cache backend needs a server: cache.url is not set",
                    hint="set cache.url (SHIPYARD_CACHE__URL=redis://127.0.0.1:6379/0)",
                )
            return RedisStore.from_url(self.settings.url.get_secret_value())
        if name == "database":
            if self.database is None:
                raise ShipyardError("the database cache backend needs the app's database")
            from shipyard.cache.database import DatabaseStore

            return DatabaseStore(self.database())
        raise ShipyardError(
            f"unknown cache backend {name!r}", hint=f"use one of {', '.join(BACKENDS)}"
        )

    async def invalidate_tags(self, *tags: str) -> None:
        """Invalidate ``tags`` in every cache opened so far (fragments live in memory)."""
        for cache in list(self.caches.values()):
            await cache.invalidate_tags(*tags)

    async def close(self) -> None:
        caches, self.caches = list(self.caches.values()), {}
        for cache in caches:
            await cache.close()


CACHES = Service("caches", CacheRegistry, "cache", started_by="the cache extension")
"""The app's :class:`CacheRegistry`."""

_process: list[CacheRegistry] = []


def get_cache(app: Starlette, backend: str | None = None) -> Cache:
    """The started app's cache of ``backend`` (None: ``cache.backend``)."""
    return CACHES.get(app).get(backend)


def process_registry() -> CacheRegistry:
    """The registry of the app started last in this process, else a memory-only one."""
    if not _process:
        _process.append(CacheRegistry(CacheSettings()))
    return _process[-1]


def adopt(registry: CacheRegistry) -> None:
    """Make ``registry`` the process's (the cache extension calls it at start-up)."""
    _process.append(registry)


def forget(registry: CacheRegistry) -> None:
    """Stop using ``registry`` for ``@cached`` functions (the app shut down)."""
    if registry in _process:
        _process.remove(registry)
