"""The framework's own statements on SQLite, outside the request's session: a kept connection.

Every authenticated request reads a few rows by key before its route runs: its session,
its token's revocation, its API key, its user with roles (:mod:`shipyard.db.direct`); a
request that changed its session writes one row as the response starts. Run in the
request's ``AsyncSession``, those statements made the session check a connection out of
the pool, begin, commit and check it back in, which cost more than the statements
themselves (``BENCHMARKS.md``, issue 14). On SQLite a statement outside a transaction sees
the latest commit (WAL; ``shipyard.db.sqlite_transactions`` holds BEGIN back until a
write anyway), and a single-statement write outside one is its own transaction, durable
when it returns. So while the request's session holds no connection, these statements
run on :class:`KeptConnection`: one connection the :class:`~shipyard.db.database.Database`
keeps open for them, used on the event loop only, each statement in one call.

Nothing changes for what the request does next: a row read here becomes an object of the
request's session (:func:`~shipyard.db.direct.adopt`), which checks a connection out on
its first own statement, and commits only if it wrote. Once the session holds a
connection (it wrote, or holds the write lock), the statements run on it, inside its
transaction: reads see its uncommitted writes, and a write never waits for the lock its
own request holds. Revocation still takes effect on the very next request: nothing is
cached, each read sees the latest commit. On PostgreSQL everything runs in the request's
session, as on SQLite in tests whose ``db_session`` shares one connection with the app.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import Pool, PoolProxiedConnection
from sqlalchemy.util.concurrency import greenlet_spawn

from shipyard.db.direct import DirectSelect, DirectWrite
from shipyard.db.sqlite_driver import LoopConnection

KEPT_KEY = "shipyard.kept_connection"
"""Key of ``AsyncSession.info``: the :class:`KeptConnection` of the session's database."""


class KeptConnection:
    """One connection for the framework's statements, opened on first use like ``engine``'s.

    It comes from a pool of its own (a copy of the engine's, with its connect events), so
    it never takes one of the connections the engine's pool size allows the requests.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._pool: Pool | None = None
        self._held: PoolProxiedConnection | None = None

    async def all(self, query: DirectSelect, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of ``query`` for ``values``, on the kept connection (the latest commit)."""
        driver = await self._driver()
        plan = query.plan(self.engine.dialect)
        parameters = tuple(plan.parameters(values))
        try:
            # a point read by key, on the loop: microseconds, never waiting on a writer (WAL)
            rows = driver.read_here(plan.sql, parameters)
        except sqlite3.Error:
            # whatever went wrong (a busy database, an interrupted read), the driver's own
            # path runs it again: retries while locked, translates errors as a query would
            rows = await self._run(driver, plan.sql, parameters)
        return plan.convert(rows)

    async def execute(self, statement: DirectWrite, values: dict[str, Any]) -> None:
        """Run a one-statement write (its own transaction); waits out a locked database."""
        driver = await self._driver()
        plan = statement.plan(self.engine.dialect)
        await self._run(driver, plan.sql, tuple(plan.parameters(values)))

    async def _run(
        self, driver: LoopConnection, sql: str, parameters: tuple[Any, ...]
    ) -> list[Any]:
        try:
            return await driver.fetch_all(sql, parameters, long_reads_to_thread=False)
        except Exception:
            await self.close()  # the pool resets it, or drops it if it is broken
            raise

    async def _driver(self) -> LoopConnection:
        held = self._held or await self._checkout()
        driver = held.dbapi_connection
        if not isinstance(driver, LoopConnection):  # pragma: no cover - Database checks
            raise TypeError("KeptConnection needs Shipyard's SQLite loop driver")
        return driver

    async def _checkout(self) -> PoolProxiedConnection:
        if self._pool is None:
            self._pool = self.engine.sync_engine.pool.recreate()
        held = await greenlet_spawn(self._pool.connect)
        if self._held is not None:  # another request opened one meanwhile
            await greenlet_spawn(held.close)
            return self._held
        self._held = held
        return held

    async def close(self) -> None:
        """Give the connection back to its pool (the next read checks one out again)."""
        held, self._held = self._held, None
        if held is not None:
            await greenlet_spawn(held.close)

    async def dispose(self) -> None:
        """Close the connection for good (the database is being disposed)."""
        await self.close()
        pool, self._pool = self._pool, None
        if pool is not None:
            await greenlet_spawn(pool.dispose)

    @property
    def connection(self) -> DBAPIConnection | None:
        """The kept DBAPI connection, if one is checked out (for tests)."""
        return None if self._held is None else self._held.dbapi_connection


def holds_connection(session: AsyncSession) -> bool:
    """True once ``session`` has checked a connection out (its first statement ran)."""
    transaction = session.sync_session.get_transaction()
    return transaction is not None and bool(transaction._connections)


def kept_for(session: AsyncSession) -> KeptConnection | None:
    """The connection to run on instead of ``session``'s, if any (see the module)."""
    kept = session.info.get(KEPT_KEY)
    if (
        isinstance(kept, KeptConnection)
        and session.bind is kept.engine  # not one connection a test shares
        and not holds_connection(session)
    ):
        return kept
    return None


async def read(
    session: AsyncSession | KeptConnection, query: DirectSelect, **values: Any
) -> list[tuple[Any, ...]]:
    """The rows of ``query`` for a read on behalf of ``session`` (or on a kept connection
    already chosen, see :func:`shipyard.db.request.current_statement_target`).

    On the database's :class:`KeptConnection` while ``session`` holds no connection and
    its database has one (file SQLite), unless ``session`` is bound to one connection (a
    test's rolled-back transaction); otherwise on ``session``'s connection, inside its
    transaction.
    """
    if isinstance(session, KeptConnection):
        return await session.all(query, values)
    kept = kept_for(session)
    if kept is not None:
        return await kept.all(query, values)
    return await query.all(await session.connection(), **values)


async def read_first(
    session: AsyncSession | KeptConnection, query: DirectSelect, **values: Any
) -> tuple[Any, ...] | None:
    """The first row :func:`read` gives, or None."""
    rows = await read(session, query, **values)
    return rows[0] if rows else None


async def write(
    session: AsyncSession | KeptConnection, statement: DirectWrite, **values: Any
) -> None:
    """Run a one-statement write on behalf of ``session``, durable before it returns when
    it runs on the :class:`KeptConnection` (where :func:`read` would read); otherwise in
    ``session``'s transaction, committed with it."""
    if isinstance(session, KeptConnection):
        await session.execute(statement, values)
        return
    kept = kept_for(session)
    if kept is not None:
        await kept.execute(statement, values)
    else:
        connection = await session.connection()
        await connection.execute(statement.statement, values)
