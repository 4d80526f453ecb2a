"""Database fixtures: a SQLite file under tmp_path, and a throwaway PostgreSQL database.

The PostgreSQL database is created once per test session on the server named by
``shipyard.testing.services.postgres_url()`` and dropped at the end; without a server the
PostgreSQL cases are skipped (or fail when SHIPYARD_REQUIRE_SERVICES is set).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from tests.db import models  # noqa: F401 - registers the test tables on Model.metadata
from tests.db.backends import BACKENDS
from tests.db.tables import fresh_tables
from tests.db.test_cli import project  # noqa: F401 - the throwaway project, for test_branches

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.testing.services import port_open, postgres_url, unavailable

SQLITE_URL = "sqlite+aiosqlite:///var/test.db"


async def _admin(sql: str) -> None:
    engine = create_async_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[Callable[[], str]]:
    """Makes fresh PostgreSQL databases for this test session; drops them all at the end."""
    admin = make_url(postgres_url())
    created: list[str] = []

    def create() -> str:
        if not port_open(admin.host or "127.0.0.1", admin.port or 5432):
            unavailable(f"PostgreSQL is not reachable at {admin.host}:{admin.port}")
        name = f"shipyard_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.set(database=name).render_as_string(hide_password=False)

    try:
        yield create
    finally:
        for name in created:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_database_url(postgres_databases: Callable[[], str]) -> str:
    """The URL of a PostgreSQL database shared by this session's tests (tables dropped)."""
    return postgres_databases()


@pytest.fixture(params=BACKENDS)
def db_settings(request: pytest.FixtureRequest) -> DatabaseSettings:
    """Database settings for each backend (SQLite relative to tmp_path, PostgreSQL)."""
    if request.param == "sqlite":
        return DatabaseSettings(url=SecretStr(SQLITE_URL))
    url: str = request.getfixturevalue("postgres_database_url")
    return DatabaseSettings(url=SecretStr(url))


@pytest.fixture
async def database(db_settings: DatabaseSettings, tmp_path: Path) -> AsyncIterator[Database]:
    """A Database with the test tables created, dropped again afterwards."""
    db = Database(db_settings, tmp_path)
    try:
        async with fresh_tables(db):
            yield db
    finally:
        await db.dispose()
