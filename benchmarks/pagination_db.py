"""The ``pagination`` benchmarks' data: a throwaway PostgreSQL database of 1,000,000 rows.

One table, ``bench_items`` (:class:`Item`): ``id`` (the primary key), ``title``,
``created_at`` (four rows share each timestamp, so the ``id`` tiebreaker matters) and a
nullable ``score`` (NULL on every seventh row), with an index on ``(created_at, id)``.
:func:`prepare` creates the database ``shipyard_bench_pagination`` on the server of
``shipyard.testing.services.postgres_url()`` and fills it with one
``INSERT ... SELECT generate_series`` statement; it does nothing when the rows are
already there. :func:`drop` removes the database again.
"""

from __future__ import annotations

import os
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    Integer,
    String,
    func,
    make_url,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shipyard.testing.services import postgres_url

DATABASE = "shipyard_bench_pagination"
ROWS = 1_000_000
URL_ENV = "SHIPYARD_BENCH_PAGINATION_URL"
"""Overrides the benchmark database's URL (default: ``DATABASE`` on the test server)."""

FILL = """
INSERT INTO bench_items (id, title, created_at, score)
SELECT g,
       'item ' || g,
       timestamptz '2026-01-01 00:00:00+00' + (g / 4) * interval '1 second',
       CASE WHEN g % 7 = 0 THEN NULL ELSE (g::bigint * 7919) % 100 END
FROM generate_series(1, CAST(:rows AS integer)) AS g
"""
"""Ids 1..rows in one statement; ``created_at`` repeats 4 times, ``score`` is 0-99 or NULL."""


class Base(DeclarativeBase):
    """The benchmark's own metadata: never mixed with an application's tables."""


class Item(Base):
    """One row of the benchmark table."""

    __tablename__ = "bench_items"
    __table_args__ = (Index("ix_bench_items_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)


def database_url(database: str = DATABASE) -> str:
    """The asyncpg URL of the benchmark database (``$SHIPYARD_BENCH_PAGINATION_URL``)."""
    if database == DATABASE and os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    admin = make_url(postgres_url())
    return admin.set(database=database).render_as_string(hide_password=False)


async def _admin(sql: str) -> bool:
    """Run ``sql`` on the server's admin database; for a query, whether it found a row."""
    engine = create_async_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(sql))
            return result.returns_rows and result.first() is not None
    finally:
        await engine.dispose()


async def fill(engine: AsyncEngine, rows: int) -> None:
    """Create the table and its index in ``engine``'s database and insert ``rows`` rows."""
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
        await connection.execute(text(FILL), {"rows": rows})
        await connection.execute(text("ANALYZE bench_items"))


async def prepare(rows: int = ROWS, database: str = DATABASE) -> str:
    """Make ``database`` hold exactly ``rows`` rows (filling it if not); return its URL."""
    exists = f"SELECT 1 FROM pg_database WHERE datname = '{database}'"
    if not await _admin(exists):
        await _admin(f'CREATE DATABASE "{database}"')
    url = database_url(database)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            table = await connection.scalar(text("SELECT to_regclass('bench_items')"))
            ready = table is not None and (
                await connection.scalar(select(func.count()).select_from(Item)) == rows
            )
        if not ready:
            await fill(engine, rows)
    finally:
        await engine.dispose()
    return url


async def drop(database: str = DATABASE) -> None:
    """Drop the benchmark database (``WITH (FORCE)``: open connections are closed)."""
    await _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
