"""The ``cache`` group's apps: one list endpoint whose body costs a database query, cached.

Every app answers ``GET /ships`` with :func:`expected_body` — the :data:`LIMIT` heaviest of
the :data:`ROWS` ships of a SQLite table (``ORDER BY tonnage DESC``), as JSON:

* ``shipyard-uncached``: a production-profile ``shipyard.App``, the query on every request;
* ``shipyard-memory`` / ``shipyard-redis``: the same route with ``@cache`` on the memory and
  Redis backends (a hit is answered by the cache middleware before routing);
* ``fastapi-uncached``: bare FastAPI + SQLAlchemy, the query on every request;
* ``fastapi-cache2-memory`` / ``fastapi-cache2-redis``: FastAPI with fastapi-cache2's
  ``@cache`` on its in-memory and Redis backends;
* ``cashews-memory`` / ``cashews-redis``: FastAPI with cashews' ``@cache`` (``mem://`` and
  ``redis://``).

The table lives in a file under the system temp dir (:func:`database_path`), made and
filled on first start. Redis is ``SHIPYARD_BENCH_REDIS_URL`` (default
``redis://127.0.0.1:6379/0``); each start keys under a fresh random prefix. Servers load
them with ``--factory``, e.g. ``uvicorn --factory benchmarks.cache:cashews_memory_app``.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.apps import BENCHMARK_SITE, LOADTEST_RATELIMIT
from shipyard import App, Settings
from shipyard.cache import cache as shipyard_cache
from shipyard.db import DbSession
from shipyard.testing.schema import create_app_schema

PATH = "/ships"
ROWS = 500
LIMIT = 50
TTL = 3600
REDIS_ENV = "SHIPYARD_BENCH_REDIS_URL"

metadata = MetaData()
ships = Table(
    "bench_cache_ships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("tonnage", Integer, nullable=False, index=True),
)
QUERY = (
    select(ships.c.id, ships.c.name, ships.c.tonnage).order_by(ships.c.tonnage.desc()).limit(LIMIT)
)


def database_path() -> Path:
    """The SQLite file every app reads."""
    root = Path(tempfile.gettempdir()) / "shipyard-benchmark"
    root.mkdir(exist_ok=True)
    return root / "cache-ships.db"


def database_url() -> str:
    return f"sqlite+aiosqlite:///{database_path()}"


def redis_url() -> str:
    return os.environ.get(REDIS_ENV, "redis://127.0.0.1:6379/0")


def _tonnage(index: int) -> int:
    return (index * 7919) % 100_000


def _rows() -> list[dict[str, Any]]:
    return [{"id": n, "name": f"ship {n:04d}", "tonnage": _tonnage(n)} for n in range(1, ROWS + 1)]


def expected_body() -> list[dict[str, Any]]:
    """What ``GET /ships`` answers (from the data :func:`prepare` writes)."""
    return sorted(_rows(), key=lambda row: -int(row["tonnage"]))[:LIMIT]


async def prepare(engine: AsyncEngine) -> None:
    """Create and fill the table once (idempotent; the rows are deterministic)."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        if (await connection.execute(select(ships.c.id).limit(1))).first() is None:
            rows = [
                {"id": n, "name": f"ship {n:04d}", "tonnage": _tonnage(n)}
                for n in range(1, ROWS + 1)
            ]
            await connection.execute(insert(ships), rows)


async def _query(connection: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in await connection.execute(QUERY)]


# -- Shipyard -------------------------------------------------------------------------


def _shipyard(backend: str | None) -> App:
    cache_section: dict[str, Any] = {"key_prefix": f"bench:shipyard:{uuid.uuid4().hex[:8]}:"}
    if backend == "redis":
        cache_section["url"] = redis_url()
    settings = Settings.model_validate(
        {
            "profile": "production",
            "app": {"name": "benchmark", "secret_key": "benchmark-" + "x" * 40, **BENCHMARK_SITE},
            "database": {"url": database_url()},
            "ratelimit": LOADTEST_RATELIMIT,
            "cache": cache_section,
        }
    )
    app = App(settings=settings, root=database_path().parent)
    app.on_startup(create_app_schema)

    async def list_ships(session: DbSession) -> list[dict[str, Any]]:
        return await _query(await session.connection())

    endpoint = (
        list_ships if backend is None else shipyard_cache(ttl=TTL, backend=backend)(list_ships)
    )

    @app.on_startup
    async def fill(started: App) -> None:
        engine = create_async_engine(database_url())
        try:
            await prepare(engine)
        finally:
            await engine.dispose()

    app.add_api_route(PATH, endpoint, methods=["GET"])
    return app


def shipyard_uncached_app() -> App:
    """Shipyard, no cache: the query on every request."""
    return _shipyard(None)


def shipyard_memory_app() -> App:
    """Shipyard, ``@cache`` on the memory backend."""
    return _shipyard("memory")


def shipyard_redis_app() -> App:
    """Shipyard, ``@cache(backend="redis")``."""
    return _shipyard("redis")


# -- FastAPI and its cache libraries --------------------------------------------------


def _fastapi(
    opened: Callable[[], Any] | None = None, wrap: Callable[[Any], Any] | None = None
) -> FastAPI:
    engine = create_async_engine(database_url())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await prepare(engine)
        if opened is not None:
            await opened()
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    async def list_ships() -> list[dict[str, Any]]:
        async with engine.connect() as connection:
            return await _query(connection)

    app.add_api_route(PATH, list_ships if wrap is None else wrap(list_ships), methods=["GET"])
    return app


def fastapi_uncached_app() -> FastAPI:
    """Bare FastAPI + SQLAlchemy: the query on every request."""
    return _fastapi()


def _fastapi_cache2(redis: bool) -> FastAPI:
    from fastapi_cache import FastAPICache
    from fastapi_cache.backends.inmemory import InMemoryBackend
    from fastapi_cache.backends.redis import RedisBackend
    from fastapi_cache.decorator import cache
    from redis.asyncio import Redis

    prefix = f"bench:fastapi-cache2:{uuid.uuid4().hex[:8]}"

    async def opened() -> None:
        backend = RedisBackend(Redis.from_url(redis_url())) if redis else InMemoryBackend()
        FastAPICache.reset()  # its settings are process-wide; a server runs one app
        FastAPICache.init(backend, prefix=prefix)

    return _fastapi(opened, cache(expire=TTL))


def fastapi_cache2_memory_app() -> FastAPI:
    """FastAPI + fastapi-cache2, in-memory backend."""
    return _fastapi_cache2(redis=False)


def fastapi_cache2_redis_app() -> FastAPI:
    """FastAPI + fastapi-cache2, Redis backend."""
    return _fastapi_cache2(redis=True)


def _cashews(redis: bool) -> FastAPI:
    from cashews import Cache

    cashews = Cache()
    prefix = f"bench:cashews:{uuid.uuid4().hex[:8]}"

    async def opened() -> None:
        cashews.setup(redis_url() if redis else "mem://")

    return _fastapi(opened, cashews(ttl=TTL, key=prefix + ":ships"))


def cashews_memory_app() -> FastAPI:
    """FastAPI + cashews, ``mem://``."""
    return _cashews(redis=False)


def cashews_redis_app() -> FastAPI:
    """FastAPI + cashews, ``redis://``."""
    return _cashews(redis=True)


FACTORIES: dict[str, Callable[[], Any]] = {
    "shipyard_uncached": shipyard_uncached_app,
    "shipyard_memory": shipyard_memory_app,
    "shipyard_redis": shipyard_redis_app,
    "fastapi_uncached": fastapi_uncached_app,
    "fastapi_cache2_memory": fastapi_cache2_memory_app,
    "fastapi_cache2_redis": fastapi_cache2_redis_app,
    "cashews_memory": cashews_memory_app,
    "cashews_redis": cashews_redis_app,
}
"""App name -> factory (``<name>_app``); the runner and the tests iterate over this."""


def ships_problem(response: Any) -> str | None:
    """Why ``response`` is not :func:`expected_body` (None when it is)."""
    try:
        if response.status_code == 200 and response.json() == expected_body():
            return None
    except ValueError:
        pass
    return f"status {response.status_code}, not the {LIMIT} heaviest ships"
