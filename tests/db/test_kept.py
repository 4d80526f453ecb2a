"""The kept connection (``shipyard.db.kept``): statements outside a session's connection.

A session that holds no connection reads on the database's kept connection and sees the
latest commit; once it holds one (it wrote), reads run inside its transaction and see its
own uncommitted writes. The kept connection takes none of the pool's connections, recovers from a
failed read, and is closed with the database. PostgreSQL and in-memory SQLite have none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Integer, bindparam, insert, select, text, update
from sqlalchemy.pool import QueuePool

from shipyard.auth.models import User
from shipyard.config.models import DatabaseSettings
from shipyard.core.clock import utc_now
from shipyard.db import Database
from shipyard.db.direct import DirectSelect, DirectWrite
from shipyard.db.kept import holds_connection, read, read_first, write
from shipyard.testing.schema import create_tables

EMAILS = DirectSelect(select(User.email).where(User.id == bindparam("id")))


@asynccontextmanager
async def opened(tmp_path: Path, **options: object) -> AsyncIterator[Database]:
    """A SQLite file database with the tables made, disposed of afterwards."""
    settings = DatabaseSettings.model_validate(
        {"url": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", **options}
    )
    database = Database(settings, tmp_path)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(create_tables)
        yield database
    finally:
        await database.dispose()


async def _add_user(database: Database, email: str) -> int:
    async with database.sessionmaker() as session, session.begin():
        user = User(email=email, password_hash="x")
        session.add(user)
        await session.flush()
        return user.id


async def test_a_session_without_a_connection_reads_the_latest_commit_on_the_kept_connection(
    tmp_path: Path,
) -> None:
    async with opened(tmp_path) as database:
        user_id = await _add_user(database, "ada@example.com")
        async with database.sessionmaker() as session:
            assert await read_first(session, EMAILS, id=user_id) == ("ada@example.com",)
            assert not holds_connection(session)
            assert database.kept is not None
            assert database.kept.connection is not None
            async with database.sessionmaker() as other, other.begin():
                await other.execute(
                    text("UPDATE users SET email = 'grace@example.com' WHERE id = :id"),
                    {"id": user_id},
                )
            # the next read sees the other session's commit: nothing is cached
            assert await read(session, EMAILS, id=user_id) == [("grace@example.com",)]
    assert database.kept.connection is None


async def test_once_a_session_wrote_its_reads_see_its_uncommitted_writes(tmp_path: Path) -> None:
    async with opened(tmp_path) as database, database.sessionmaker() as session:
        user = User(email="new@example.com", password_hash="x")
        session.add(user)
        await session.flush()
        assert holds_connection(session)
        assert await read(session, EMAILS, id=user.id) == [("new@example.com",)]
        await session.rollback()
        assert await read(session, EMAILS, id=user.id) == []


async def test_a_session_bound_to_a_tests_connection_reads_on_that_connection(
    tmp_path: Path,
) -> None:
    """A test's rolled-back transaction: what it wrote is seen, though not committed."""
    async with opened(tmp_path) as database, database.engine.connect() as connection:
        await connection.begin()
        await connection.execute(
            insert(User).values(id=7, email="test@example.com", password_hash="x")
        )
        async with database.sessionmaker(bind=connection) as session:
            assert await read(session, EMAILS, id=7) == [("test@example.com",)]
        await connection.rollback()


RENAME = DirectWrite(
    update(User)
    .where(User.id == bindparam("user_id"))
    .values(email=bindparam("new"), updated_at=bindparam("stamp"))
)


async def _emails(database: Database) -> list[str]:
    async with database.engine.connect() as connection:
        return list((await connection.execute(select(User.email))).scalars())


async def test_a_write_without_a_connection_is_durable_when_it_returns(tmp_path: Path) -> None:
    async with opened(tmp_path) as database:
        user_id = await _add_user(database, "ada@example.com")
        async with database.sessionmaker() as session:
            await write(session, RENAME, user_id=user_id, new="kept@example.com", stamp=utc_now())
            assert not holds_connection(session)
            assert await _emails(database) == ["kept@example.com"]  # nothing left to commit


async def test_a_write_of_a_session_holding_a_connection_is_in_its_transaction(
    tmp_path: Path,
) -> None:
    async with opened(tmp_path) as database:
        user_id = await _add_user(database, "ada@example.com")
        async with database.sessionmaker() as session:
            await session.execute(text("UPDATE users SET is_verified = 1"))
            await write(session, RENAME, user_id=user_id, new="mine@example.com", stamp=utc_now())
            assert await read(session, EMAILS, id=user_id) == [("mine@example.com",)]
            await session.rollback()
        assert await _emails(database) == ["ada@example.com"]


async def test_a_kept_write_waits_for_the_write_lock_on_the_loop(tmp_path: Path) -> None:
    async with opened(tmp_path) as database:
        user_id = await _add_user(database, "ada@example.com")
        async with database.sessionmaker() as holder, database.sessionmaker() as session:
            await holder.execute(text("UPDATE users SET is_verified = 1"))  # takes the lock
            waiting = asyncio.create_task(
                write(session, RENAME, user_id=user_id, new="later@example.com", stamp=utc_now())
            )
            await asyncio.sleep(0.05)
            assert not waiting.done()  # retrying, while the loop serves the lock's holder
            await holder.commit()
            await asyncio.wait_for(waiting, 5)
        assert await _emails(database) == ["later@example.com"]


async def test_the_kept_connection_takes_none_of_the_pools_connections(tmp_path: Path) -> None:
    """With a pool of one connection, a session can still write while the kept one is open."""
    async with opened(tmp_path, pool_size=1, max_overflow=0, pool_timeout=2) as database:
        user_id = await _add_user(database, "ada@example.com")
        async with database.sessionmaker() as session:
            assert await read(session, EMAILS, id=user_id) == [("ada@example.com",)]
            await session.execute(text("UPDATE users SET email = 'x@example.com'"))
            await session.commit()
        pool = database.engine.sync_engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedout() == 0


async def test_a_failed_read_gives_the_connection_back_and_the_next_one_works(
    tmp_path: Path,
) -> None:
    async with opened(tmp_path) as database, database.sessionmaker() as session:
        async with database.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE users RENAME TO users_away"))
        with pytest.raises(Exception, match="no such table"):
            await read(session, EMAILS, id=1)
        assert database.kept is not None
        assert database.kept.connection is None
        async with database.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE users_away RENAME TO users"))
        assert await read(session, EMAILS, id=1) == []


async def test_postgresql_and_memory_databases_read_in_the_session(
    tmp_path: Path, postgres_database_url: str
) -> None:
    for url in (postgres_database_url, "sqlite+aiosqlite:///:memory:"):
        database = Database(DatabaseSettings(url=SecretStr(url)), tmp_path)
        try:
            assert database.kept is None
            async with database.sessionmaker() as session:
                one = DirectSelect(select(bindparam("one", type_=Integer)))
                rows = await read(session, one, one=1)
                assert rows == [(1,)]
                assert holds_connection(session)
        finally:
            await database.dispose()
