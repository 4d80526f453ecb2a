"""Framework tables made on first use, so a new project works before its first migration.

A backend that owns a table of :data:`shipyard.db.model.framework_metadata` (sessions,
jobs...) asks :class:`TableOnFirstUse` for the engine; the first call creates the table
if it is missing (``CREATE ... IF NOT EXISTS`` semantics, once per process), never at
start-up, so an app still starts while its database is down.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from shipyard.db.database import Database


class TableOnFirstUse:
    """The engine of ``database``, with ``table`` created before its first use."""

    def __init__(self, database: Database, table: Table, *, create: bool = True) -> None:
        self.database = database
        self.table = table
        self._ready = not create
        self._lock = asyncio.Lock()

    async def create(self) -> None:
        """Create the table (and its indexes) if it does not exist yet."""
        table = self.table
        async with self.database.engine.begin() as connection:
            await connection.run_sync(lambda sync: table.create(sync, checkfirst=True))
        self._ready = True

    async def engine(self) -> AsyncEngine:
        """The engine, once the table is known to exist."""
        if not self._ready:
            async with self._lock:
                if not self._ready:
                    await self.create()
        return self.database.engine
