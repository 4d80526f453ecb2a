"""Job stores for the durability test, each with what worker processes need to reach it.

A store is opened empty and cleaned up when its context ends: the ``shipyard_jobs`` table
is dropped, or every Redis key under the store's test-unique prefix is deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr
from redis.asyncio import Redis

from shipyard.config.models import DatabaseSettings
from shipyard.db.database import Database
from shipyard.jobs.backend import JobBackend
from shipyard.jobs.database import DatabaseBackend, jobs_table
from shipyard.jobs.redis import RedisBackend
from shipyard.testing.schema import create_schema


@dataclass
class Store:
    """A job store under test and how worker processes reach it."""

    name: str
    backend: JobBackend
    env: dict[str, str] = field(default_factory=dict)


@asynccontextmanager
async def database_store(name: str, url: str, tmp_path: Path) -> AsyncIterator[Store]:
    """The ``shipyard_jobs`` table of a database, created now and dropped at the end."""
    database = Database(DatabaseSettings(url=SecretStr(url)), tmp_path)
    backend = DatabaseBackend(database)
    await create_schema(database)
    env = {"DURABILITY_BACKEND": "database", "DURABILITY_DATABASE_URL": url}
    try:
        yield Store(name, backend, env)
    finally:
        await backend.close()
        async with database.engine.begin() as connection:
            await connection.run_sync(jobs_table.drop)
        await database.dispose()


@asynccontextmanager
async def redis_store(url: str) -> AsyncIterator[Store]:
    """Jobs under a Redis key prefix of their own; every key under it deleted at the end."""
    prefix = f"test-durability-{uuid.uuid4().hex}:"
    client = Redis.from_url(url, decode_responses=True)
    env = {
        "DURABILITY_BACKEND": "redis",
        "DURABILITY_REDIS_URL": url,
        "DURABILITY_REDIS_PREFIX": prefix,
    }
    try:
        yield Store("redis", RedisBackend(client, prefix=prefix), env)
    finally:
        keys = [key async for key in client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()
