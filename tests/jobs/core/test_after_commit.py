"""Enqueueing inside a database transaction: stored on commit, dropped on rollback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shipyard.config.sections.core import DatabaseSettings
from shipyard.db.database import Database
from shipyard.jobs import Jobs

from .sample_jobs import Record


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"), tmp_path)
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE orders (id INTEGER PRIMARY KEY)"))
    yield database
    await database.dispose()


async def test_a_committed_transaction_stores_its_jobs(jobs: Jobs, database: Database) -> None:
    async with database.sessionmaker() as session:
        await session.execute(text("INSERT INTO orders (id) VALUES (1)"))
        job_id = await jobs.enqueue(Record(text="after commit"), session=session)
        ids = await jobs.enqueue_many([Record(text="a"), Record(text="b")], session=session)
        assert await jobs.backend.list() == []  # nothing before the commit
        await session.commit()
    stored = {record.id for record in await jobs.backend.list()}
    assert stored == {job_id, *ids}


async def test_a_rolled_back_transaction_enqueues_nothing(jobs: Jobs, database: Database) -> None:
    async with database.sessionmaker() as session:
        await session.execute(text("INSERT INTO orders (id) VALUES (2)"))
        await jobs.enqueue(Record(text="never"), session=session)
        await session.rollback()
        await session.execute(text("INSERT INTO orders (id) VALUES (3)"))
        await session.commit()  # a later commit must not resurrect the dropped job
    assert await jobs.backend.list() == []


async def test_an_exception_in_a_begin_block_enqueues_nothing(
    jobs: Jobs, database: Database
) -> None:
    async def handler() -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(Record(text="never"), session=session)
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError, match="handler failed"):
        await handler()
    assert await jobs.backend.list() == []


async def test_a_session_closed_without_commit_enqueues_nothing(
    jobs: Jobs, database: Database
) -> None:
    async with database.sessionmaker() as session:
        await session.execute(text("SELECT 1"))
        await jobs.enqueue(Record(text="never"), session=session)
    assert await jobs.backend.list() == []


async def test_a_commit_without_statements_still_stores(jobs: Jobs, database: Database) -> None:
    async with database.sessionmaker() as session:
        job_id = await jobs.enqueue(Record(text="x"), session=session)
        await session.commit()
    assert [record.id for record in await jobs.backend.list()] == [job_id]
