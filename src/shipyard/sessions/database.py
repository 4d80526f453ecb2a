"""The default session backend: a ``shipyard_sessions`` table in the app's database.

The table belongs to the ``shipyard_sessions`` migration branch
(:data:`SESSIONS_MIGRATIONS`): ``shipyard db upgrade`` creates it and the app's own
migrations never see it.
During a request the statements run on behalf of the request's shared database session
(:mod:`shipyard.db.request`): on SQLite, while that session holds no connection, on the
database's kept connection (:mod:`shipyard.db.kept`), a write durable as it returns; else
in the session, committed before the response starts. Outside a request each runs in a
transaction of its own. Expired rows are ignored on read and replaced on write;
:meth:`DatabaseSessionBackend.purge_expired` deletes them in bulk (run it from a job).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, String, Table, Text, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.database import Database
from shipyard.db.direct import DirectSelect, DirectWrite
from shipyard.db.kept import read_first, write
from shipyard.db.model import UtcDateTime, framework_metadata
from shipyard.db.request import current_statement_target
from shipyard.sessions.backends import SessionRecord

sessions_table = Table(
    "shipyard_sessions",
    framework_metadata,
    Column("id", String(64), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)
SESSIONS_MIGRATIONS = MigrationBranch.declare(
    "shipyard_sessions", Path(__file__).parent / "migrations", sessions_table
)
"""The migrations of ``shipyard_sessions``."""

_LIVE_SESSION = DirectSelect(
    select(sessions_table.c.payload, sessions_table.c.expires_at).where(
        sessions_table.c.id == bindparam("id"), sessions_table.c.expires_at > bindparam("now")
    )
)
"""A session's payload and expiry while it is live: read on every request that uses it."""


def _upsert(insert_into: Callable[[Table], Any]) -> DirectWrite:
    insert = insert_into(sessions_table).values(
        id=bindparam("session_id"),
        payload=bindparam("payload"),
        expires_at=bindparam("expires_at"),
    )
    return DirectWrite(
        insert.on_conflict_do_update(
            index_elements=[sessions_table.c.id],
            set_={"payload": insert.excluded.payload, "expires_at": insert.excluded.expires_at},
        )
    )


_UPSERTS = {"sqlite": _upsert(sqlite.insert), "postgresql": _upsert(postgresql.insert)}
"""A session written in one statement, by dialect: a row made, or its payload replaced."""
_TOUCH = DirectWrite(
    update(sessions_table)
    .where(sessions_table.c.id == bindparam("session_id"))
    .values(expires_at=bindparam("expires_at"))
)
_DELETE = DirectWrite(delete(sessions_table).where(sessions_table.c.id == bindparam("session_id")))


class DatabaseSessionBackend:
    """Sessions as rows of ``shipyard_sessions``, through the app's :class:`Database`."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def _engine(self) -> AsyncEngine:
        """Where the statements run: the app's engine (a test may share one connection)."""
        return self.database.engine

    async def load(self, session_id: str) -> SessionRecord | None:
        shared = current_statement_target()
        if shared is not None:
            row = await read_first(shared, _LIVE_SESSION, id=session_id, now=utc_now())
        else:
            async with self._engine().begin() as connection:
                row = await _LIVE_SESSION.first(connection, id=session_id, now=utc_now())
        return None if row is None else SessionRecord(row[0], row[1])

    async def save(self, session_id: str, payload: str, expires_at: datetime) -> None:
        upsert = _UPSERTS["sqlite" if self.database.backend == "sqlite" else "postgresql"]
        await self._write(upsert, session_id=session_id, payload=payload, expires_at=expires_at)

    async def touch(self, session_id: str, expires_at: datetime) -> None:
        await self._write(_TOUCH, session_id=session_id, expires_at=expires_at)

    async def delete(self, session_id: str) -> None:
        await self._write(_DELETE, session_id=session_id)

    async def _write(self, statement: DirectWrite, **values: Any) -> None:
        """In the request's database session (see :func:`shipyard.db.kept.write`), else in
        a transaction of its own."""
        shared = current_statement_target()
        if shared is not None:
            await write(shared, statement, **values)
            return
        async with self._engine().begin() as connection:
            await connection.execute(statement.statement, values)

    async def purge_expired(self) -> int:
        """Delete every expired row; returns how many went."""
        query = delete(sessions_table).where(sessions_table.c.expires_at <= utc_now())
        async with self._engine().begin() as connection:
            result = await connection.execute(query)
        return int(result.rowcount)

    async def close(self) -> None:
        """Nothing to do: the engine belongs to the database extension."""
