"""Model base: constraint naming convention and timezone-aware UTC timestamps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.exc import StatementError
from tests.db.models import Author, Book

from shipyard.db import Database, Model


def test_naming_convention_names_every_constraint() -> None:
    books = Model.metadata.tables["test_books"]
    authors = Model.metadata.tables["test_authors"]
    assert books.primary_key.name == "pk_test_books"
    assert {fk.name for fk in books.foreign_key_constraints} == {
        "fk_test_books_author_id_test_authors"
    }
    assert {ix.name for ix in books.indexes} == {"ix_test_books_author_id"}
    assert {str(c.name) for c in authors.constraints} == {
        "pk_test_authors",
        "uq_test_authors_name",
    }


async def test_constraint_names_reach_the_database(database: Database) -> None:
    def reflect(connection: Connection) -> dict[str, Any]:
        inspector = inspect(connection)
        return {
            "fks": [fk["name"] for fk in inspector.get_foreign_keys("test_books")],
            "indexes": [ix["name"] for ix in inspector.get_indexes("test_books")],
            "uniques": [uq["name"] for uq in inspector.get_unique_constraints("test_authors")],
        }

    async with database.engine.connect() as connection:
        names = await connection.run_sync(reflect)
    assert names == {
        "fks": ["fk_test_books_author_id_test_authors"],
        "indexes": ["ix_test_books_author_id"],
        "uniques": ["uq_test_authors_name"],
    }


async def test_timestamps_are_aware_utc_and_updated(database: Database) -> None:
    async with database.sessionmaker() as session:
        author = Author(name="ursula")
        book = Book(title="draft", author=author)
        session.add(book)
        await session.commit()
        created, updated = book.created_at, book.updated_at
        assert created.tzinfo is UTC
        await asyncio.sleep(0.01)
        book.title = "final"
        await session.commit()
        assert book.updated_at > updated
        assert book.created_at == created
    async with database.sessionmaker() as session:
        stored = await session.scalar(select(Book))
        assert stored is not None
        assert stored.created_at == created
        assert stored.created_at.utcoffset() == timedelta(0)


async def test_server_defaults_fill_timestamps_for_plain_sql(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("INSERT INTO test_authors (name) VALUES ('raw')"))
        await connection.execute(
            text("INSERT INTO test_books (title, author_id) SELECT 't', id FROM test_authors")
        )
    async with database.sessionmaker() as session:
        book = await session.scalar(select(Book))
    assert book is not None
    assert book.created_at.tzinfo is not None
    assert abs(datetime.now(UTC) - book.created_at) < timedelta(minutes=5)


async def test_aware_datetimes_in_other_zones_are_stored_as_utc(database: Database) -> None:
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    async with database.sessionmaker() as session:
        session.add(Book(title="zoned", author=Author(name="z"), created_at=moment))
        await session.commit()
    async with database.sessionmaker() as session:
        book = await session.scalar(select(Book))
    assert book is not None
    assert book.created_at == moment
    assert book.created_at.hour == 1


async def test_naive_datetimes_are_refused(database: Database) -> None:
    async with database.sessionmaker() as session:
        session.add(Book(title="naive", author=Author(name="n"), created_at=datetime(2030, 1, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()


async def test_foreign_keys_are_enforced_and_cascade(database: Database) -> None:
    async with database.sessionmaker() as session:
        session.add(Book(title="b", author=Author(name="a")))
        await session.commit()
    async with database.engine.begin() as connection:
        await connection.execute(text("DELETE FROM test_authors"))
    async with database.engine.connect() as connection:
        left = (await connection.execute(text("SELECT count(*) FROM test_books"))).scalar()
    assert left == 0
