"""SQLite on the event loop (``shipyard.db.sqlite_driver``): no thread hops, no loop stalls.

A statement runs on the loop's thread; a writer that finds the database locked waits
with ``asyncio.sleep`` (so the loop keeps serving, including the lock's holder); a read
that runs past the loop budget moves to aiosqlite's thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database, sqlite_driver
from shipyard.db.busy import is_lock_timeout

NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)"
LONG_COUNT = f"SELECT count(*) FROM ({NUMBERS} SELECT i FROM n)"
"""A read of a few hundred milliseconds."""


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    """A SQLite file database with a table ``t (n INTEGER)`` and a busy timeout of 2 s."""
    settings = DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/d.db"), busy_timeout=2)
    db = Database(settings, tmp_path)
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    try:
        yield db
    finally:
        await db.dispose()


class Ticker:
    """Counts how often the loop got to run it while something else was awaited."""

    def __init__(self) -> None:
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(0.001)

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def test_statements_make_no_thread_hop(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[object] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        hops.append(fn)
        return await original(self, fn, *args)  # type: ignore[no-untyped-call]

    async with sqlite.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connect hops: not counted
        await connection.commit()
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        async with connection.begin():
            await connection.execute(text("INSERT INTO t VALUES (1)"))
            rows = (await connection.execute(text("SELECT n FROM t"))).all()
    assert rows == [(1,)]
    assert hops == []


async def test_a_writer_waits_for_the_lock_without_stalling_the_loop(sqlite: Database) -> None:
    holder = await sqlite.engine.connect()
    await holder.begin()
    await holder.execute(text("INSERT INTO t VALUES (1)"))  # BEGIN IMMEDIATE: holds the lock

    async def second_writer() -> None:
        async with sqlite.engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))

    with Ticker() as ticker:
        waiting = asyncio.create_task(second_writer())
        await asyncio.sleep(0.1)
        assert not waiting.done()
        assert ticker.ticks >= 20  # the loop ran while the writer waited
        await holder.commit()  # only possible because the waiting writer does not block
        await asyncio.wait_for(waiting, 2)
    await holder.close()
    async with sqlite.engine.connect() as connection:
        rows: list[int] = list(
            (await connection.execute(text("SELECT n FROM t ORDER BY n"))).scalars()
        )
    assert rows == [1, 2]


async def test_a_lock_held_past_the_busy_timeout_is_the_lock_timeout_error(
    tmp_path: Path,
) -> None:
    settings = DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///var/b.db"), busy_timeout=0.2)
    db = Database(settings, tmp_path)
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    holder = await db.engine.connect()
    await holder.begin()
    await holder.execute(text("INSERT INTO t VALUES (1)"))
    try:
        with pytest.raises(OperationalError) as caught:
            async with db.engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (2)"))
        assert is_lock_timeout(caught.value)
    finally:
        await holder.rollback()
        await holder.close()
        await db.dispose()


async def test_a_long_read_moves_to_the_thread_and_the_loop_keeps_running(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "LOOP_BUDGET", 0.001)
    monkeypatch.setattr(sqlite_driver, "PROGRESS_STEPS", 100)
    async with sqlite.engine.connect() as connection:
        with Ticker() as ticker:
            count = (await connection.execute(text(LONG_COUNT))).scalar()
    assert count == 300000
    assert ticker.ticks >= 2  # it did not run to the end on the loop


async def test_a_long_write_is_not_interrupted(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "LOOP_BUDGET", 0.0)
    monkeypatch.setattr(sqlite_driver, "PROGRESS_STEPS", 1)
    insert = f"INSERT INTO t {NUMBERS} SELECT i FROM n"
    async with sqlite.engine.begin() as connection:
        await connection.execute(text(insert))
    async with sqlite.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 300000


async def test_errors_are_sqlalchemy_errors(sqlite: Database) -> None:
    async with sqlite.engine.connect() as connection:
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM missing"))
