"""Durability fixtures: one job store per backend, and a report shown after the run.

``store`` gives an empty job store on SQLite (a file under tmp_path), PostgreSQL (a
throwaway database) or Redis (a test-unique key prefix), with the environment the worker
processes need to reach it; everything is dropped or deleted afterwards. A missing
server skips the case, or fails it under ``SHIPYARD_REQUIRE_SERVICES``.

Each run's summary line is recorded as a test property and printed in a ``durability``
section of the terminal summary, so it shows in CI output without ``-s``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from _pytest.terminal import TerminalReporter
from pydantic import SecretStr
from redis.asyncio import Redis
from tests.db.conftest import postgres_databases

from shipyard.config.models import DatabaseSettings
from shipyard.db.database import Database
from shipyard.jobs.backend import JobBackend
from shipyard.jobs.database import DatabaseBackend, jobs_table
from shipyard.jobs.redis import RedisBackend
from shipyard.testing.services import redis_url, require_port

__all__ = ["postgres_databases"]

REPORT = pytest.StashKey[list[str]]()
Report = Callable[[str], None]


@dataclass
class Store:
    """A job store under test and how worker processes reach it."""

    name: str
    backend: JobBackend
    env: dict[str, str] = field(default_factory=dict)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("redis", marks=pytest.mark.redis),
    ]
)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """Each backend's name and URL (a fresh SQLite file or PostgreSQL database, or Redis)."""
    name: str = request.param
    if name == "sqlite":
        return name, f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}"
    if name == "postgres":
        return name, request.getfixturevalue("postgres_databases")()
    parsed = urlparse(redis_url())
    require_port("Redis", parsed.hostname or "127.0.0.1", parsed.port or 6379)
    return name, redis_url()


@pytest.fixture
async def store(location: tuple[str, str], tmp_path: Path) -> AsyncIterator[Store]:
    """An empty job store at ``location``; dropped (table) or deleted (keys) afterwards."""
    name, url = location
    opened = redis_store(url) if name == "redis" else database_store(name, url, tmp_path)
    async with opened as made:
        made.env["DURABILITY_ROOT"] = str(tmp_path)
        yield made


@asynccontextmanager
async def database_store(name: str, url: str, tmp_path: Path) -> AsyncIterator[Store]:
    """The ``shipyard_jobs`` table of a database, created now and dropped at the end."""
    database = Database(DatabaseSettings(url=SecretStr(url)), tmp_path)
    backend = DatabaseBackend(database)
    await backend.create_table()
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


@pytest.fixture
def durability_report(
    request: pytest.FixtureRequest, record_property: Callable[[str, object], None]
) -> Report:
    """Records a summary line: a test property and a line of the terminal summary."""

    def report(line: str) -> None:
        print(line)
        record_property("durability", line)
        request.config.stash.setdefault(REPORT, []).append(line)

    return report


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    """Print every durability summary line after the run (with or without ``-s``)."""
    lines = config.stash.get(REPORT, [])
    if lines:
        terminalreporter.section("durability")
        for line in lines:
            terminalreporter.write_line(line)
