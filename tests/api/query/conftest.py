"""Seeded databases for the list query tests: one SQLite file and one real PostgreSQL.

Each backend is created and seeded once per session (tests only read); every test gets
its own :class:`~shipyard.db.Database` on it, and an App serving ``/items``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from tests.api.query.models import (
    AUTHORS,
    ITEMS,
    PUBLISHERS,
    TABLES,
    QueryAuthor,
    QueryItem,
    QueryPublisher,
)
from tests.api.query.routes import router
from tests.db.backends import BACKENDS
from tests.db.conftest import postgres_databases  # noqa: F401 - reused fixture

from shipyard import App, Settings
from shipyard.config.models import DatabaseSettings
from shipyard.db import DATABASE, Database, Model


async def _seed(url: str, root: Path) -> None:
    database = Database(DatabaseSettings(url=SecretStr(url)), root)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(Model.metadata.drop_all, tables=TABLES)
            await connection.run_sync(Model.metadata.create_all, tables=TABLES)
            await connection.execute(insert(QueryPublisher), PUBLISHERS)
            await connection.execute(insert(QueryAuthor), AUTHORS)
            await connection.execute(insert(QueryItem), ITEMS)
    finally:
        await database.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a database holding the seed rows, per backend."""
    root = tmp_path_factory.mktemp("query")
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{root / 'query.db'}"
    else:
        url = request.getfixturevalue("postgres_databases")()
    asyncio.run(_seed(url, root))
    return url


@pytest.fixture
async def database(seeded_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(DatabaseSettings(url=SecretStr(seeded_url)), tmp_path)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(database.engine) as db_session:
        yield db_session


@pytest.fixture
async def client(database: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A client for an App serving the test listing at ``/items``."""
    app = App(settings=Settings(profile="test"), root=tmp_path)
    DATABASE.provide(app, database)
    app.include_router(router)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
