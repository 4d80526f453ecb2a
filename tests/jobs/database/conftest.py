"""Fixtures: a factory of clean database job backends on SQLite (tmp_path) and PostgreSQL.

Each backend gets its own :class:`Database` (its own engine and connections), so tests can
run several "processes" against one database. PostgreSQL uses one throwaway database per
test session (from ``tests.db.conftest``) whose jobs table is emptied for every test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import delete
from tests.db.backends import BACKENDS, backend_url
from tests.db.conftest import postgres_database_url, postgres_databases

from shipyard.config.models import DatabaseSettings
from shipyard.core.clock import Clock, utc_now
from shipyard.jobs.database import DatabaseBackend, jobs_table, workers_table

__all__ = ["postgres_database_url", "postgres_databases"]

BackendMaker = Callable[..., Awaitable[DatabaseBackend]]


@pytest.fixture(params=BACKENDS)
def jobs_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database on each backend."""
    return backend_url(request, tmp_path / "jobs.db")


@pytest.fixture
async def backends(jobs_db_url: str, tmp_path: Path) -> AsyncIterator[BackendMaker]:
    """Makes backends on one emptied database, each with its own engine; all closed after."""
    from shipyard.db.database import Database
    from shipyard.testing.schema import create_schema

    made: list[DatabaseBackend] = []
    settings = DatabaseSettings(url=SecretStr(jobs_db_url))

    async def make(clock: Clock = utc_now) -> DatabaseBackend:
        backend = DatabaseBackend(Database(settings, tmp_path), clock=clock)
        if not made:
            await create_schema(backend.database)
            async with backend.database.engine.begin() as connection:
                await connection.execute(delete(jobs_table))
                await connection.execute(delete(workers_table))
        made.append(backend)
        return backend

    try:
        yield make
    finally:
        for backend in made:
            await backend.close()
            await backend.database.dispose()
