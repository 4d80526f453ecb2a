"""Cache fixtures: one :class:`Cache` per backend on the real servers, under a unique prefix.

``memory`` is in-process; ``redis`` is the test Redis server; ``sqlite`` and
``postgresql`` are the ``shipyard_cache`` table on a SQLite file and on a throwaway
PostgreSQL database (the db suite's fixture). ``shared_pair`` gives two caches on one
shared store, as two processes of an app would have.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr
from tests.db.conftest import postgres_database_url, postgres_databases

from shipyard.cache import Cache, MemoryStore, RedisStore
from shipyard.cache.database import DatabaseStore, cache_table
from shipyard.cache.store import Store
from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.testing.services import redis_url, require_port

__all__ = ["postgres_database_url", "postgres_databases"]

BACKENDS = ("memory", "redis", "sqlite", "postgresql")
SHARED = ("redis", "sqlite", "postgresql")


def redis_server() -> str:
    """The test Redis URL; skips (or fails under SHIPYARD_REQUIRE_SERVICES) without one."""
    url = redis_url()
    host, _, port = url.split("://", 1)[1].split("/", 1)[0].rpartition(":")
    require_port("Redis", host or "127.0.0.1", int(port or 6379))
    return url


def unique_prefix() -> str:
    return f"test:cache:{uuid.uuid4().hex[:12]}:"


def _url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """Where the backend's server is (synchronous: the PostgreSQL fixture runs a loop)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}"
    if backend == "postgresql":
        url: str = request.getfixturevalue("postgres_database_url")
        return url
    return redis_server() if backend == "redis" else ""


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """``(backend, server URL)`` for every backend."""
    return request.param, _url(request, request.param, tmp_path)


@pytest.fixture(params=SHARED)
def shared_backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """``(backend, server URL)`` for the backends several processes share."""
    return request.param, _url(request, request.param, tmp_path)


async def _database(url: str, tmp_path: Path) -> Database:
    database = Database(DatabaseSettings(url=SecretStr(url)), tmp_path)
    async with database.engine.begin() as connection:
        await connection.run_sync(cache_table.create, checkfirst=True)
    return database


StoreFactory = Callable[[], Store]


@asynccontextmanager
async def _stores(
    backend: str, url: str, tmp_path: Path
) -> AsyncIterator[tuple[str, StoreFactory]]:
    made: list[Store] = []
    database: Database | None = None
    if backend in ("sqlite", "postgresql"):
        database = await _database(url, tmp_path)

    def make() -> Store:
        store: Store
        if backend == "memory":
            store = MemoryStore(100)
        elif backend == "redis":
            store = RedisStore.from_url(url)
        else:
            assert database is not None
            store = DatabaseStore(database)
        made.append(store)
        return store

    try:
        yield backend, make
    finally:
        for store in made:
            await store.close()
        if database is not None:
            await database.dispose()


@pytest.fixture
async def store_factory(
    backend: tuple[str, str], tmp_path: Path
) -> AsyncIterator[tuple[str, StoreFactory]]:
    """``(backend, make_store)``: new stores on the same server for the backend under test."""
    async with _stores(*backend, tmp_path) as found:
        yield found


@pytest.fixture
async def shared_store_factory(
    shared_backend: tuple[str, str], tmp_path: Path
) -> AsyncIterator[tuple[str, StoreFactory]]:
    """Like ``store_factory``, for the backends several processes share."""
    async with _stores(*shared_backend, tmp_path) as found:
        yield found


@pytest.fixture
async def cache(store_factory: tuple[str, StoreFactory]) -> Cache:
    """A cache on the backend under test, under a prefix of its own."""
    backend, make = store_factory
    return Cache(make(), name=backend, prefix=unique_prefix(), default_ttl=60)
