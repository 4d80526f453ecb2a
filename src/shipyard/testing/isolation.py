"""Keep login sessions inside the test's rolled-back transaction (the ``db_session`` fixture).

While ``db_session`` is active the app's ORM sessions share one connection, but the
database session backend opens connections of its own. On SQLite that second writer
would wait for the test's open write transaction until it times out ("database is
locked"); on PostgreSQL the session rows would outlive the test. :func:`isolated_sessions`
swaps in a :class:`~shipyard.sessions.database.DatabaseSessionBackend` that runs
its statements on the test's connection, so sessions are rolled back with everything
else. Other backends (Redis) are left alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import cast

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shipyard.core.app import AppBase
from shipyard.db.extension import get_database
from shipyard.sessions.database import DatabaseSessionBackend
from shipyard.sessions.middleware import SESSION_BACKEND


class _OneConnection:
    """Just enough of an ``AsyncEngine`` for the session backend: always one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """The shared connection, inside whatever transaction it is in."""
        yield self.connection

    begin = connect


class SharedConnectionSessionBackend(DatabaseSessionBackend):
    """The database session backend working on one connection (the test's)."""

    def __init__(self, backend: DatabaseSessionBackend, connection: AsyncConnection) -> None:
        super().__init__(backend.database)
        self._shared = cast(AsyncEngine, _OneConnection(connection))

    def _engine(self) -> AsyncEngine:
        """The shared connection."""
        return self._shared


@contextmanager
def isolated_sessions(app: AppBase) -> Iterator[None]:
    """While the database is isolated, keep database-backed sessions on its connection."""
    backend = SESSION_BACKEND.find(app)
    bind = get_database(app).sessionmaker.kw.get("bind")
    if not isinstance(backend, DatabaseSessionBackend) or not isinstance(bind, AsyncConnection):
        yield
        return
    SESSION_BACKEND.provide(app, SharedConnectionSessionBackend(backend, bind))
    try:
        yield
    finally:
        SESSION_BACKEND.provide(app, backend)
