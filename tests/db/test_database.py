"""Database: URL handling, SQLite pragmas, PostgreSQL pool, and clear connection errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database, sqlite_driver
from shipyard.errors import ShipyardError
from shipyard.testing.services import free_port


def make(url: str, root: Path, **options: object) -> Database:
    return Database(DatabaseSettings(url=SecretStr(url), **options), root)


async def test_default_sqlite_path_resolves_under_root_and_creates_var(tmp_path: Path) -> None:
    db = Database(DatabaseSettings(), tmp_path)
    try:
        assert db.url.database == str(tmp_path / "var" / "app.db")
        assert (tmp_path / "var").is_dir()
        assert not (tmp_path / "var" / "app.db").exists()  # nothing connects eagerly
        await db.check()
        assert (tmp_path / "var" / "app.db").is_file()
    finally:
        await db.dispose()


async def test_absolute_sqlite_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "x.db"
    db = make(f"sqlite+aiosqlite:///{target}", tmp_path / "root")
    assert db.url.database == str(target)
    await db.dispose()


async def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    db = make("sqlite+aiosqlite:///var/p.db", tmp_path, busy_timeout=2.5)
    try:
        async with db.engine.connect() as connection:
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
            busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
            synchronous = (await connection.execute(text("PRAGMA synchronous"))).scalar()
            raw = await connection.get_raw_connection()
            patience = getattr(raw.dbapi_connection, sqlite_driver.BUSY_TIMEOUT_KEY)
        # SQLite itself never sleeps on the loop: the driver awaits the busy timeout
        assert (journal, foreign_keys, busy, synchronous) == ("wal", 1, 0, 1)  # 1 = NORMAL
        assert patience == 2.5
    finally:
        await db.dispose()


async def test_sqlite_savepoints_roll_back_only_the_nested_part(tmp_path: Path) -> None:
    db = make("sqlite+aiosqlite:///var/s.db", tmp_path)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER)"))
        async with db.engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (1)"))
            nested = await connection.begin_nested()
            await connection.execute(text("INSERT INTO t VALUES (2)"))
            await nested.rollback()
        async with db.engine.connect() as connection:
            rows: list[int] = list((await connection.execute(text("SELECT n FROM t"))).scalars())
        assert rows == [1]
    finally:
        await db.dispose()


async def test_in_memory_sqlite_works(tmp_path: Path) -> None:
    db = make("sqlite+aiosqlite://", tmp_path)
    try:
        await db.check()
        assert db.url.database is None
        assert db.engine.sync_engine.pool.__class__.__name__ == "StaticPool"
    finally:
        await db.dispose()


def test_plain_scheme_gets_async_driver(tmp_path: Path) -> None:
    assert make("postgres://u:pw@db.example/app", tmp_path).url.drivername == "postgresql+asyncpg"
    assert make("postgresql://u@h/app", tmp_path).url.drivername == "postgresql+asyncpg"
    assert make("sqlite:///x.db", tmp_path).url.drivername == "sqlite+aiosqlite"


def test_postgres_pool_settings_applied(tmp_path: Path) -> None:
    db = make("postgresql+asyncpg://u:pw@127.0.0.1/app", tmp_path, pool_size=3, max_overflow=2)
    pool = db.engine.sync_engine.pool
    assert pool.size() == 3  # type: ignore[attr-defined]
    assert pool._max_overflow == 2  # type: ignore[attr-defined]


def test_redacted_url_masks_password(tmp_path: Path) -> None:
    db = make("postgresql+asyncpg://user:s3cret@db.example:5432/app", tmp_path)
    assert "s3cret" not in db.redacted_url
    assert db.redacted_url == "postgresql+asyncpg://user:***@db.example:5432/app"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("not a url", "is not a valid database URL"),
        ("nosuchdb+driver://x/y", "cannot use database.url"),
        ("postgresql+psycopg2://u@h/app", "the driver for .* is not installed"),
        ("sqlite+pysqlite:///x.db", "cannot use database.url .*async driver"),
    ],
)
def test_bad_urls_are_one_clear_error(tmp_path: Path, url: str, fragment: str) -> None:
    with pytest.raises(ShipyardError, match=fragment) as info:
        make(url, tmp_path)
    assert "\n" not in str(info.value)


def test_unparsable_url_with_password_is_masked(tmp_path: Path) -> None:
    with pytest.raises(ShipyardError) as info:
        make("bad url://user:hunter2@host/db", tmp_path)
    assert "hunter2" not in str(info.value)


async def test_unreachable_postgres_is_one_clear_error(tmp_path: Path) -> None:
    port = free_port()
    db = make(f"postgresql+asyncpg://user:hunter2@127.0.0.1:{port}/app", tmp_path)
    try:
        with pytest.raises(ShipyardError) as info:
            await db.check()
        message = str(info.value)
        where = f"postgresql+asyncpg://user:***@127.0.0.1:{port}/app"
        assert message.startswith(f"database unreachable at {where}: ")
        assert "hunter2" not in message
        assert "start the server or fix database.url" in message
        # the first real use raises the same error, not a driver traceback
        with pytest.raises(ShipyardError, match="database unreachable"):
            async with db.sessionmaker() as session:
                await session.execute(text("SELECT 1"))
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_missing_postgres_database_is_unreachable(
    tmp_path: Path, postgres_database_url: str
) -> None:
    url = postgres_database_url.rsplit("/", 1)[0] + "/shipyard_no_such_database"
    db = make(url, tmp_path)
    try:
        with pytest.raises(ShipyardError, match='database "shipyard_no_such_database" does not'):
            await db.check()
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_postgres_check_passes(tmp_path: Path, postgres_database_url: str) -> None:
    db = make(postgres_database_url, tmp_path)
    try:
        await db.check()
        async with db.engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await db.dispose()
