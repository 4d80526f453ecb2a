"""Test isolation: run a test's sessions inside one transaction that is rolled back.

While :func:`rolled_back_session` is active, the database's sessionmaker is bound to one
connection holding an open transaction, and every session it makes (the test's and each
request's) works in a savepoint of it; leaving the block rolls everything back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from shipyard.db.database import Database


@asynccontextmanager
async def rolled_back_session(database: Database) -> AsyncIterator[AsyncSession]:
    """Yield a session; on exit, undo everything written through ``database`` meanwhile."""
    factory = database.sessionmaker
    saved = dict(factory.kw)
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            async with factory() as session:
                yield session
        finally:
            factory.kw.clear()
            factory.kw.update(saved)
            await transaction.rollback()
