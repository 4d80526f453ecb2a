"""The SQLite driver: one thread hop per statement, none for an empty commit or rollback.

Hops are counted by wrapping ``aiosqlite.Connection._execute``, the one door every call to
the connection's thread goes through (SQLAlchemy's stock adapter included), so a driver
that made more hops, reopened connections or re-ran the pragmas per request fails here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from pydantic import SecretStr
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from tests.db.models import Author

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.testing.schema import create_tables


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function sent to an aiosqlite connection's thread, in order."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return sent


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/d.db")), tmp_path)
    async with database.engine.begin() as connection:
        await connection.run_sync(create_tables)
        await connection.execute(insert(Author), [{"name": "ann"}, {"name": "bob"}])
    try:
        yield database
    finally:
        await database.dispose()


async def test_a_read_only_request_is_one_hop(db: Database, hops: list[str]) -> None:
    """Ten read-only units of work: ten hops, so no reconnect, no pragmas, no empty commit."""
    for _ in range(10):
        async with db.sessionmaker() as session:
            assert (await session.get(Author, 1)) is not None
            await session.commit()
    assert hops == ["_run"] * 10


async def test_a_write_is_begin_statement_commit(db: Database, hops: list[str]) -> None:
    async with db.sessionmaker() as session:
        author = await session.get(Author, 1)
        assert author is not None
        author.name = "anne"
        await session.commit()
    # SELECT, BEGIN IMMEDIATE with the UPDATE, COMMIT; the pool's rollback makes none.
    assert hops == ["_run", "_run", "commit"]
    async with db.sessionmaker() as session:
        assert (await session.get(Author, 1)).name == "anne"  # type: ignore[union-attr]


async def test_rollback_of_a_write_undoes_it(db: Database, hops: list[str]) -> None:
    async with db.engine.connect() as connection:
        await connection.execute(update(Author).values(name=Author.name + "x"))
        await connection.rollback()
        names = (await connection.execute(select(Author.name).order_by(Author.id))).scalars()
        assert list(names) == ["ann", "bob"]
    assert hops == ["_run", "rollback", "_run"]


async def test_a_begin_that_timed_out_is_sent_again_with_the_next_write(
    tmp_path: Path,
) -> None:
    """BEGIN IMMEDIATE rides with the statement; when it fails, nothing is left half-begun."""
    settings = DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/l.db"), busy_timeout=0.05)
    database = Database(settings, tmp_path)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(create_tables)
            await connection.execute(insert(Author).values(name="ann"))
        async with database.engine.connect() as holder, database.engine.connect() as waiter:
            await holder.execute(update(Author).values(name="held"))  # takes the write lock
            with pytest.raises(OperationalError, match="locked"):
                await waiter.execute(update(Author).values(name="lost"))
            await holder.rollback()
            await waiter.execute(update(Author).values(name="retried"))  # BEGINs this time
            assert (await holder.execute(select(Author.name))).scalar() == "ann"
            await waiter.rollback()  # so the retry was inside a transaction
            assert (await holder.execute(select(Author.name))).scalar() == "ann"
    finally:
        await database.dispose()


async def test_cursor_results_match_sqlite3(db: Database) -> None:
    async with db.engine.begin() as connection:
        renamed = await connection.execute(update(Author).values(name=Author.name + "!"))
        assert renamed.rowcount == 2
        added = await connection.execute(insert(Author).values(name="cy"))
        assert added.inserted_primary_key == (3,)
        many = await connection.execute(
            text("UPDATE test_authors SET name = name || '?' WHERE id = :id"),
            [{"id": 1}, {"id": 2}],
        )
        assert many.rowcount == 2
        rows = await connection.execute(select(Author.id, Author.name).order_by(Author.id))
        assert list(rows.keys()) == ["id", "name"]
        assert rows.all() == [(1, "ann!?"), (2, "bob!?"), (3, "cy")]
        empty = await connection.execute(select(Author).where(Author.id == 99))
        assert empty.first() is None


async def test_streaming_keeps_a_server_side_cursor(db: Database) -> None:
    async with db.engine.connect() as connection:
        result = await connection.stream(select(Author.name).order_by(Author.id))
        assert [name async for name in result.scalars()] == ["ann", "bob"]


async def test_errors_are_sqlalchemy_errors_and_leave_the_connection_usable(
    db: Database,
) -> None:
    async with db.engine.connect() as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(insert(Author).values(name="ann"))
        await connection.rollback()
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM nowhere"))
        assert (await connection.execute(select(func.count()).select_from(Author))).scalar() == 2


async def test_a_closed_connection_is_a_disconnect(db: Database) -> None:
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()  # type: ignore[union-attr]
        with pytest.raises(OperationalError) as caught:
            await connection.execute(text("SELECT 1"))
        assert caught.value.connection_invalidated
        await connection.rollback()
    async with db.engine.connect() as connection:  # the pool replaced it
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1
