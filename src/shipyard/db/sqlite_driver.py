"""aiosqlite with one thread hop per statement, and none for an empty commit or rollback.

aiosqlite runs every sqlite3 call on the connection's own thread, and each call is a hop:
queue the call, wake that thread, wake the event loop with the result. SQLAlchemy's
adapter makes four hops for a ``SELECT`` (open a cursor, execute, fetch, close) and one
each for the commit and the pool's rollback when the connection goes back, even when no
transaction is open, which with BEGIN held back until the first write
(``shipyard.db.sqlite_transactions``) is every request that only reads. A hop costs a
thread wake-up and a loop wake-up, far more than the query itself.

Here a statement is one hop: a function run on the connection's thread opens the cursor,
executes, fetches every row (as SQLAlchemy's adapter does anyway) and closes it; a
``BEGIN IMMEDIATE`` before a transaction's first write rides in the same hop. ``commit``
and ``rollback`` make no hop when sqlite3 reports no open transaction; sqlite3 itself
skips the ``COMMIT``/``ROLLBACK`` then, so nothing changes but the wait. The connection
stays aiosqlite's: same thread, same exceptions, same ``driver_connection``; streaming
(server-side) cursors keep SQLAlchemy's adapter. :data:`DBAPI` is passed to
``create_async_engine(module=...)``.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

Outcome = tuple[Any, list[Any], int, int | None]
"""What one statement's hop brings back: description, rows, rowcount, lastrowid."""


def _run(
    connection: sqlite3.Connection, first: str | None, operation: str, parameters: Any, many: bool
) -> Outcome:
    """Runs on the connection's thread: ``first``, then the statement; cursor closed after."""
    cursor = connection.cursor()
    try:
        if first is not None:
            cursor.execute(first)
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose ``execute`` is a single hop; ``close`` makes none."""

    __slots__ = ("_arraysize", "_description", "_first", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1
        self._first: str | None = None

    def execute_first(self, statement: str) -> None:
        """Run ``statement`` (no parameters) just before the next one, in the same hop.

        ``shipyard.db.sqlite_transactions`` sends its ``BEGIN IMMEDIATE`` this way; if it
        fails, the statement does not run and its error is that statement's.
        """
        self._first = statement

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]  # None before an INSERT, as sqlite3

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._hop(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._hop(operation, seq_of_parameters, many=True)

    def _hop(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            outcome = await_(self._run_async(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _run_async(self, operation: str, parameters: Any, many: bool) -> Outcome:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        first, self._first = self._first, None
        async with self._adapt_connection._execute_mutex:
            outcome: Outcome = await driver._execute(  # type: ignore[no-untyped-call]
                _run, driver._conn, first, operation, parameters, many
            )
            return outcome

    async def _async_soft_close(self) -> None:
        """Nothing to do: the sqlite3 cursor closed in the statement's own hop."""

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        """sqlite3 has one result set per statement."""

    def setinputsizes(self, *inputsizes: Any) -> None:
        """sqlite3 ignores input sizes."""


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """aiosqlite's connection with :class:`OneHopCursor` and hop-free empty transactions."""

    __slots__ = ()
    _cursor_cls = OneHopCursor

    def in_transaction(self) -> bool:
        """sqlite3's own flag: reading it is a field read, safe from the loop's thread."""
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        raw = driver._connection
        return raw is not None and raw.in_transaction

    def commit(self) -> None:
        if self.in_transaction():
            super().commit()

    def rollback(self) -> None:
        if self.in_transaction():
            super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, handing out :class:`OneHopConnection`."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


DBAPI = OneHopDBAPI(aiosqlite, sqlite3)
"""The module to give ``create_async_engine`` for ``sqlite+aiosqlite`` URLs."""
