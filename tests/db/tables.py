"""The test tables (the models' and Shipyard's backends') on a database, for one test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shipyard.db import Database
from shipyard.testing.schema import create_tables, drop_tables


@asynccontextmanager
async def fresh_tables(db: Database) -> AsyncIterator[Database]:
    """Create the tables on ``db`` (any left over dropped first), drop them when done."""
    async with db.engine.begin() as connection:
        await connection.run_sync(drop_tables)
        await connection.run_sync(create_tables)
    try:
        yield db
    finally:
        async with db.engine.begin() as connection:
            await connection.run_sync(drop_tables)
