"""The database extension on a Shipyard App: lazy engine, its service, session per request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from tests.db.models import Author

from shipyard import App, Settings
from shipyard.config.models import DatabaseSettings
from shipyard.db import DATABASE, DatabaseExtension, DbSession, get_database
from shipyard.db.migrations import Migrations, init_migrations
from shipyard.errors import ShipyardError
from shipyard.testing.schema import create_tables, drop_tables


def make_app(settings: DatabaseSettings, root: Path) -> App:
    app = App(settings=Settings(profile="test", database=settings), root=root)

    @app.post("/authors/{name}")
    async def create(name: str, session: DbSession) -> dict[str, str]:
        session.add(Author(name=name))
        return {"name": name}

    @app.get("/authors")
    async def count(session: DbSession) -> dict[str, int]:
        return {"count": await session.scalar(select(func.count()).select_from(Author)) or 0}

    return app


async def test_startup_creates_the_database_and_shutdown_disposes(
    db_settings: DatabaseSettings, tmp_path: Path
) -> None:
    app = make_app(db_settings, tmp_path)
    assert isinstance(app.extension(DatabaseExtension), DatabaseExtension)
    async with app.router.lifespan_context(app):
        database = get_database(app)
        assert DATABASE.get(app) is database
        assert database.engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # QueuePool
        async with database.engine.begin() as connection:
            await connection.run_sync(create_tables)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                assert (await client.post("/authors/ada")).status_code == 200
                assert (await client.get("/authors")).json() == {"count": 1}
        finally:
            async with database.engine.begin() as connection:
                await connection.run_sync(drop_tables)
    with pytest.raises(ShipyardError, match="no database yet"):
        get_database(app)


async def test_default_settings_put_sqlite_under_var(tmp_path: Path) -> None:
    app = App(settings=Settings(profile="test"), root=tmp_path)
    async with app.router.lifespan_context(app):
        database = get_database(app)
        assert database.url.database == str(tmp_path / "var" / "app.db")
        await database.check()


async def test_migrations_api_works_inside_a_running_loop(tmp_path: Path) -> None:
    settings = DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/app.db"))
    migrations = Migrations(settings, tmp_path)
    init_migrations(migrations.directory)
    assert migrations.current() == ()  # runs its own loop in a worker thread
    assert migrations.history() == []
