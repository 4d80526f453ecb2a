"""SQLite under concurrent transactions: writers queue for the lock, readers never wait.

Before, every transaction began with a deferred ``BEGIN``: two transactions that each
read a row and then wrote deadlocked, since SQLite refuses a transaction holding a read
snapshot the upgrade to writer at once ("database is locked"), without waiting out the
busy timeout. Now reads run on the latest commits and ``BEGIN IMMEDIATE`` comes with the
first write (:mod:`shipyard.db.sqlite_transactions`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from tests.db.models import Author
from tests.db.tables import fresh_tables

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.db.busy import is_lock_timeout
from shipyard.db.sqlite_transactions import only_reads

WRITERS = 24


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    """A SQLite file database with the test tables and authors 1-4 named ``<id>:0``."""
    db = Database(DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/c.db")), tmp_path)
    try:
        async with fresh_tables(db):
            async with db.sessionmaker() as session, session.begin():
                session.add_all(Author(id=n, name=f"{n}:0") for n in range(1, 5))
            yield db
    finally:
        await db.dispose()


def bumped(name: str) -> str:
    """``<id>:<n>`` with ``n`` one higher."""
    prefix, count = name.split(":")
    return f"{prefix}:{int(count) + 1}"


async def increment(db: Database, author_id: int) -> None:
    """Read an author's counter FOR UPDATE, then write it back plus one."""
    async with db.sessionmaker() as session, session.begin():
        author = await session.get_one(Author, author_id, with_for_update=True)
        await asyncio.sleep(0)  # let the other writers run into the lock
        author.name = bumped(author.name)


async def names(db: Database) -> dict[int, str]:
    async with db.engine.connect() as connection:
        return dict((await connection.execute(select(Author.id, Author.name))).all())


async def test_two_transactions_that_read_then_write_one_row_both_succeed(
    sqlite: Database,
) -> None:
    """Both read before either writes: the case that answered "database is locked"."""
    both_read = asyncio.Barrier(2)
    first_done = asyncio.Event()

    async def transaction(value: str, *, first: bool) -> None:
        async with sqlite.sessionmaker() as session, session.begin():
            author = await session.get_one(Author, 1)
            await both_read.wait()
            if not first:
                await first_done.wait()
            author.name = value
        if first:
            first_done.set()

    await asyncio.gather(transaction("1:first", first=True), transaction("1:second", first=False))
    assert (await names(sqlite))[1] == "1:second"  # the last commit wins, as on PostgreSQL


async def test_select_for_update_makes_read_modify_write_exact(sqlite: Database) -> None:
    """24 writers at once, half on one row, half over three: no error, no lost update."""
    targets = [1 if n % 2 else 2 + n % 3 for n in range(WRITERS)]
    results = await asyncio.gather(
        *(increment(sqlite, target) for target in targets), return_exceptions=True
    )
    assert [r for r in results if r is not None] == []
    assert await names(sqlite) == {n: f"{n}:{targets.count(n)}" for n in range(1, 5)}


async def test_a_transaction_that_only_read_holds_no_lock(sqlite: Database) -> None:
    """A request that looked up its user can still write through another connection."""
    async with sqlite.sessionmaker() as session, session.begin():
        await session.get_one(Author, 1)
        started = time.perf_counter()
        async with sqlite.engine.begin() as other:
            await other.execute(text("UPDATE test_authors SET name = 'other' WHERE id = 2"))
        assert time.perf_counter() - started < 1
    assert (await names(sqlite))[2] == "other"


async def test_a_read_does_not_wait_for_an_open_write_transaction(sqlite: Database) -> None:
    async with sqlite.engine.begin() as writer:
        await writer.execute(text("UPDATE test_authors SET name = 'writing' WHERE id = 1"))
        started = time.perf_counter()
        async with sqlite.sessionmaker() as session:
            author = await session.get_one(Author, 1)
        assert time.perf_counter() - started < 1
        assert author.name == "1:0"  # the last committed state


async def test_a_lock_wait_that_runs_out_is_recognised(tmp_path: Path) -> None:
    settings = DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/t.db"), busy_timeout=0.2)
    db = Database(settings, tmp_path)
    try:
        async with db.engine.begin() as holder:
            await holder.execute(text("CREATE TABLE t (n INTEGER)"))
            started = time.perf_counter()
            with pytest.raises(OperationalError) as raised:
                async with db.engine.begin() as waiter:
                    await waiter.execute(text("INSERT INTO t VALUES (1)"))
            assert 0.15 < time.perf_counter() - started < 2
        assert is_lock_timeout(raised.value)
        assert not is_lock_timeout(OperationalError("SELECT", None, Exception("no such table")))
    finally:
        await db.dispose()


async def test_savepoints_work_and_take_the_lock(sqlite: Database) -> None:
    async with sqlite.sessionmaker() as session, session.begin():
        nested = await session.begin_nested()  # the first statement: a SAVEPOINT
        session.add(Author(name="dropped"))
        await session.flush()
        await nested.rollback()
        session.add(Author(name="kept"))
    stored = set((await names(sqlite)).values())
    assert "kept" in stored
    assert "dropped" not in stored


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT 1", True),
        ("  select * from t", True),
        ("PRAGMA journal_mode", True),
        ("INSERT INTO t VALUES (1)", False),
        ("WITH x AS (SELECT 1) DELETE FROM t", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("CREATE TABLE t (n INTEGER)", False),
        ("/* comment */ SELECT 1", False),  # unknown: treated as a write, never the reverse
        ("", False),
    ],
)
def test_which_statements_only_read(statement: str, reads: bool) -> None:
    assert only_reads(statement) is reads


async def test_a_closed_connection_is_a_disconnect_the_pool_replaces(sqlite: Database) -> None:
    async with sqlite.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()  # type: ignore[union-attr]
        with pytest.raises(OperationalError) as caught:
            await connection.execute(text("SELECT 1"))
        assert caught.value.connection_invalidated
        await connection.rollback()
    async with sqlite.engine.connect() as connection:
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1
