"""SQLite under concurrent transactions: writers queue for the lock, readers never wait.

Before ``BEGIN IMMEDIATE`` two transactions that each read a row and then wrote it
deadlocked: the second to write held a read snapshot, so SQLite refused its upgrade at
once ("database is locked") without waiting out the busy timeout.
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

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.db.busy import is_lock_timeout
from shipyard.testing.schema import create_tables, drop_tables

WRITERS = 24


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    """A SQLite file database with the test tables and authors 1-4 named ``<id>:0``."""
    db = Database(DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/c.db")), tmp_path)
    async with db.engine.begin() as connection:
        await connection.run_sync(create_tables)
    async with db.sessionmaker() as session, session.begin():
        session.add_all(Author(id=n, name=f"{n}:0") for n in range(1, 5))
    try:
        yield db
    finally:
        async with db.engine.begin() as connection:
            await connection.run_sync(drop_tables)
        await db.dispose()


def bumped(name: str) -> str:
    """``<id>:<n>`` with ``n`` one higher."""
    prefix, count = name.split(":")
    return f"{prefix}:{int(count) + 1}"


async def increment(db: Database, author_id: int) -> None:
    """Read an author's counter, then write it back plus one: a read-then-write transaction."""
    async with db.sessionmaker() as session, session.begin():
        author = await session.get_one(Author, author_id)
        author.name = bumped(author.name)


async def names(db: Database) -> dict[int, str]:
    async with db.reader.connect() as connection:
        return dict((await connection.execute(select(Author.id, Author.name))).all())


async def test_two_read_then_write_transactions_queue_instead_of_deadlocking(
    sqlite: Database,
) -> None:
    """Both read before either writes: the second waits for the first, neither fails."""
    first_read = asyncio.Event()
    second_started = asyncio.Event()

    async def first() -> None:
        async with sqlite.sessionmaker() as session, session.begin():
            author = await session.get_one(Author, 1)
            first_read.set()
            await second_started.wait()
            await asyncio.sleep(0.2)  # the second's read is under way (or waiting) by now
            author.name = bumped(author.name)

    async def second() -> None:
        await first_read.wait()
        second_started.set()
        await increment(sqlite, 1)

    await asyncio.gather(first(), second())
    assert (await names(sqlite))[1] == "1:2"  # both increments landed, none lost


async def test_many_concurrent_read_then_write_transactions_all_land(sqlite: Database) -> None:
    """24 writers at once: half on one row, half spread over three rows."""
    targets = [1 if n % 2 else 2 + n % 3 for n in range(WRITERS)]
    results = await asyncio.gather(
        *(increment(sqlite, target) for target in targets), return_exceptions=True
    )
    assert [r for r in results if r is not None] == []
    assert await names(sqlite) == {n: f"{n}:{targets.count(n)}" for n in range(1, 5)}


async def test_a_reader_does_not_wait_for_an_open_write_transaction(sqlite: Database) -> None:
    async with sqlite.engine.begin() as writer:
        await writer.execute(text("UPDATE test_authors SET name = 'writing' WHERE id = 1"))
        started = time.perf_counter()
        async with sqlite.reader.connect() as connection:
            name = (await connection.execute(select(Author.name).where(Author.id == 1))).scalar()
        assert time.perf_counter() - started < 0.5
        assert name == "1:0"  # the last committed state


async def test_the_reader_refuses_writes_even_without_contention(sqlite: Database) -> None:
    for _ in range(3):  # the pooled connection switches between the modes
        with pytest.raises(OperationalError, match="readonly"):
            async with sqlite.reader.begin() as connection:
                await connection.execute(text("UPDATE test_authors SET name = 'x' WHERE id = 1"))
        await increment(sqlite, 1)
    assert (await names(sqlite))[1] == "1:3"


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


async def test_savepoints_work_inside_immediate_transactions(sqlite: Database) -> None:
    async with sqlite.sessionmaker() as session, session.begin():
        session.add(Author(name="kept"))
        nested = await session.begin_nested()
        session.add(Author(name="dropped"))
        await session.flush()
        await nested.rollback()
    stored = set((await names(sqlite)).values())
    assert "kept" in stored
    assert "dropped" not in stored
