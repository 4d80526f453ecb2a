"""The built-in ``cache`` extension: the app's caches, the route cache and ``{% cache %}``.

Setup puts :class:`~shipyard.cache.middleware.CacheMiddleware` in the ``cache`` slot
(innermost, just before routing) and the ``{% cache %}`` tag in the app's templates. Startup
publishes the :class:`~shipyard.cache.registry.CacheRegistry` (no backend connects
before its first use); shutdown closes every cache it opened. A test that wants its own
cache provides a registry first: ``CACHES.provide(app, CacheRegistry(...))``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.cache.database import CACHE_MIGRATIONS
from shipyard.cache.fragments import FragmentCacheExtension
from shipyard.cache.middleware import CacheMiddleware
from shipyard.cache.models import watch_model_changes
from shipyard.cache.redis import RedisStore
from shipyard.cache.registry import CACHES, CacheRegistry, adopt, forget
from shipyard.core.checks import Finding
from shipyard.core.health import ReadinessCheck
from shipyard.db.extension import get_database
from shipyard.extension import Extension
from shipyard.web.templates import get_templates

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch


class CacheExtension(Extension):
    """Owns the app's caches; serves ``@cache`` routes and template fragments."""

    name = "cache"

    def __init__(self) -> None:
        self._owned: CacheRegistry | None = None

    def setup(self, app: AppBase) -> None:
        app.use_middleware("cache", CacheMiddleware)
        get_templates(app).env.add_extension(FragmentCacheExtension)

    async def startup(self, app: AppBase) -> None:
        registry = CACHES.find(app)
        if registry is None:
            registry = CacheRegistry(app.settings.cache, lambda: get_database(app))
            self._owned = CACHES.provide(app, registry)
        adopt(registry)
        watch_model_changes()

    async def shutdown(self, app: AppBase) -> None:
        registry = CACHES.find(app)
        if registry is not None:
            forget(registry)
        owned, self._owned = self._owned, None
        if owned is not None:
            CACHES.withdraw(app, owned)
            await owned.close()

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return (CACHE_MIGRATIONS,)

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        registry = CACHES.find(app)
        cache = registry.caches.get("redis") if registry is not None else None
        if cache is None and registry is not None and app.settings.cache.backend == "redis":
            cache = registry.default
        if cache is not None and isinstance(cache.store, RedisStore):
            client = cache.store.client

            async def answers() -> None:
                await client.echo("ready")

            yield ReadinessCheck("cache.redis", answers)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        options = app.settings.cache
        if options.backend == "redis" and options.url is None:
            yield Finding(
                "cache.E001",
                "error",
                "cache.backend is 'redis' but cache.url is not set",
                "set cache.url (SHIPYARD_CACHE__URL=redis://127.0.0.1:6379/0) or use "
                "cache.backend = 'memory' or 'database'",
            )
