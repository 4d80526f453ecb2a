"""Query counter: assert_max_queries passes, fails with the SQL listed, counts N+1."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload
from tests.db.models import Author, Book

from shipyard.db import Database, assert_max_queries, count_queries


async def add_authors(database: Database, count: int) -> None:
    async with database.sessionmaker() as session:
        for n in range(count):
            session.add(Author(name=f"author {n}", books=[Book(title=f"book {n}")]))
        await session.commit()


async def test_passes_within_the_limit(database: Database) -> None:
    async with assert_max_queries(1) as queries, database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    assert queries.count == 1


async def test_fails_listing_the_statements(database: Database) -> None:
    async def two_queries() -> None:
        async with assert_max_queries(1), database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            await connection.execute(text("SELECT   2\n  "))

    with pytest.raises(AssertionError) as info:
        await two_queries()
    message = str(info.value)
    assert "expected at most 1 queries, 2 ran" in message
    assert "1. SELECT 1" in message
    assert "2. SELECT 2" in message


async def test_sync_with_and_engine_filter(database: Database, tmp_path: Path) -> None:
    other = Database(database.settings, tmp_path)
    try:
        with assert_max_queries(0, engine=database.engine):
            async with other.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        with count_queries(other.engine) as queries:
            async with other.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        assert queries.count == 1
    finally:
        await other.dispose()


async def test_detects_n_plus_one(database: Database) -> None:
    await add_authors(database, 4)
    async with database.sessionmaker() as session:
        with count_queries() as lazy:
            for author in await session.scalars(select(Author)):
                await author.awaitable_attrs.books
    assert lazy.count == 5
    async with database.sessionmaker() as session, assert_max_queries(2):
        authors = await session.scalars(select(Author).options(selectinload(Author.books)))
        assert sum(len(a.books) for a in authors) == 4


async def test_an_exception_inside_is_not_masked(database: Database) -> None:
    async def query_then_fail() -> None:
        with assert_max_queries(0):
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            raise KeyError("original")

    with pytest.raises(KeyError, match="original"):
        await query_then_fail()


def test_negative_limit_is_rejected() -> None:
    with pytest.raises(ValueError, match="limit must be >= 0"):
        assert_max_queries(-1)
