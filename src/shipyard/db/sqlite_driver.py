"""SQLite statements run on the event loop; waits for the write lock are awaited, not slept.

aiosqlite runs every sqlite3 call on a thread of its own per connection: a statement is
four hops there and back (open a cursor, execute, fetch, close), each a thread wake-up,
a loop wake-up and a fight for the GIL with every other connection's thread. Under load
that, not SQL, is what an authenticated request costs: the query itself takes a few
microseconds, the hops take hundreds, and the GIL hand-offs make the slowest requests
much slower (``BENCHMARKS.md``, issue 14).

Here a statement runs where the request runs: on the event loop's thread, in one call
that executes, fetches every row (as SQLAlchemy's adapter does anyway) and closes the
cursor. With WAL, readers never wait for the writer, and a web request's statements
are point reads and small writes. Two things must not block the loop:

- **The write lock.** The connection's own busy timeout is 0: a ``BEGIN IMMEDIATE`` (or
  any statement) that finds the database locked fails at once with ``SQLITE_BUSY``, did
  nothing, and is retried after an ``asyncio.sleep`` with a growing delay until
  ``database.busy_timeout`` has passed; then its "database is locked" error surfaces as
  before (a 503, ``shipyard.db.busy``). Meanwhile the loop serves other requests,
  including the one that holds the lock and is about to commit.
- **A long read.** A progress handler watches each statement run on the loop; a read
  (``SELECT``, see ``shipyard.db.sqlite_transactions.only_reads``) still running after
  :data:`LOOP_BUDGET` seconds is interrupted (a read that is interrupted changed
  nothing) and run again on aiosqlite's thread, so a report over a large table does not
  stall the other requests. Writes are not interrupted (an interrupted write would roll
  back its whole transaction): they run to the end on the loop.

The connection stays aiosqlite's (same thread for the rare long read, same
``driver_connection``, same exceptions); streaming (server-side) cursors keep
SQLAlchemy's adapter. :data:`DBAPI` is passed to ``create_async_engine(module=...)``.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
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

from shipyard.db.sqlite_transactions import only_reads

LOOP_BUDGET = 0.02
"""Seconds a read may run on the event loop before it moves to aiosqlite's thread."""
PROGRESS_STEPS = 2000
"""SQLite virtual-machine steps between two looks at the clock while a read runs."""
FIRST_RETRY = 0.0005
"""Seconds before the first retry of a statement that found the database locked."""
LONGEST_RETRY = 0.02
"""The longest pause between two retries (the delay doubles up to it)."""
BUSY_TIMEOUT_KEY = "shipyard_busy_timeout"
"""Attribute of the adapted connection: seconds to keep retrying a locked statement."""

Outcome = tuple[Any, list[Any], int, int | None]
"""What one statement brings back: description, rows, rowcount, lastrowid."""


class _Deadline:
    """A progress handler that interrupts the statement once ``budget`` seconds passed."""

    __slots__ = ("expired", "until")

    def __init__(self, budget: float) -> None:
        self.until = time.monotonic() + budget
        self.expired = False

    def __call__(self) -> int:
        if time.monotonic() < self.until:
            return 0
        self.expired = True
        return 1  # non-zero: SQLite stops the statement with SQLITE_INTERRUPT


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """Execute one statement and fetch all its rows; the cursor is closed after."""
    cursor = connection.cursor()
    try:
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


def _run_read_within(
    connection: sqlite3.Connection, operation: str, parameters: Any, budget: float
) -> Outcome | None:
    """Run a read on this thread for at most ``budget`` seconds; ``None`` if it ran out."""
    deadline = _Deadline(budget)
    connection.set_progress_handler(deadline, PROGRESS_STEPS)
    try:
        return _run(connection, operation, parameters, many=False)
    except sqlite3.OperationalError:
        if deadline.expired:
            return None
        raise
    finally:
        connection.set_progress_handler(None, 0)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def _run_on_loop(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> Outcome | None:
    """Run the statement here; ``None`` for a read that ran out of time on the loop."""
    if many or not only_reads(operation):
        return _run(connection, operation, parameters, many)
    return _run_read_within(connection, operation, parameters, LOOP_BUDGET)


class LoopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statements run on the loop's thread (see the module)."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

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
        self._execute(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._execute(operation, seq_of_parameters, many=True)

    def _execute(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            outcome = await_(self._run(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _run(
        self, operation: str, parameters: Any, many: bool, *, long_reads_to_thread: bool = True
    ) -> Outcome:
        """Run on the loop; wait out a lock, move a long read to the thread (the module).

        Without ``long_reads_to_thread`` a read that ran out of time on the loop is run to
        its end there: for a connection that other coroutines read on while this one waits
        (:mod:`shipyard.db.kept`), which must never be used from two threads at once.
        """
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            outcome = _run_on_loop(driver._conn, operation, parameters, many)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            outcome = await self._run_when_unlocked(driver, operation, parameters, many)
        if outcome is None:
            if not long_reads_to_thread:
                return _run(driver._conn, operation, parameters, many)
            outcome = await self._run_on_thread(driver, operation, parameters)
        return outcome

    async def _run_when_unlocked(
        self, driver: aiosqlite.Connection, operation: str, parameters: Any, many: bool
    ) -> Outcome | None:
        """Retry a statement that found the database locked, pausing on the loop between."""
        give_up = time.monotonic() + getattr(self._adapt_connection, BUSY_TIMEOUT_KEY, 0.0)
        delay = FIRST_RETRY
        while True:
            await asyncio.sleep(delay)
            try:
                return _run_on_loop(driver._conn, operation, parameters, many)
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= give_up:
                    raise
            delay = min(delay * 2, LONGEST_RETRY)

    async def _run_on_thread(
        self, driver: aiosqlite.Connection, operation: str, parameters: Any
    ) -> Outcome:
        """Run a long read on aiosqlite's thread, so the loop serves other requests."""
        async with self._adapt_connection._execute_mutex:
            outcome: Outcome = await driver._execute(  # type: ignore[no-untyped-call]
                _run, driver._conn, operation, parameters, False
            )
            return outcome

    async def _async_soft_close(self) -> None:
        """Nothing to do: the sqlite3 cursor closed when its statement finished."""

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        """sqlite3 has one result set per statement."""

    def setinputsizes(self, *inputsizes: Any) -> None:
        """sqlite3 ignores input sizes."""


class LoopConnection(AsyncAdapt_aiosqlite_connection):
    """aiosqlite's connection whose statements, commits and rollbacks run on the loop."""

    __slots__ = (BUSY_TIMEOUT_KEY,)
    _cursor_cls = LoopCursor

    async def fetch_all(
        self, operation: str, parameters: tuple[Any, ...], *, long_reads_to_thread: bool = True
    ) -> list[Any]:
        """Every row of one read, run as this connection's cursors run statements.

        For :class:`shipyard.db.direct.DirectSelect`: no cursor object, no SQLAlchemy.
        ``long_reads_to_thread``: see :meth:`LoopCursor._run`.
        """
        try:
            _, rows, _, _ = await LoopCursor(self)._run(
                operation, parameters, False, long_reads_to_thread=long_reads_to_thread
            )
        except Exception as error:
            self._handle_exception(error)
        return rows

    def _raw(self) -> sqlite3.Connection | None:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        return driver._connection

    def read_here(self, operation: str, parameters: tuple[Any, ...]) -> list[Any]:
        """Every row of a point read, run right here: no lock wait, no time budget.

        For :mod:`shipyard.db.kept`, whose reads by key take microseconds; any
        ``sqlite3.Error`` (a busy database, a closed connection) is the caller's to handle.
        """
        raw = self._raw()
        if raw is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return _run(raw, operation, parameters, False)[1]

    def commit(self) -> None:
        raw = self._raw()
        if raw is not None and raw.in_transaction:
            try:
                raw.commit()
            except Exception as error:
                self._handle_exception(error)

    def rollback(self) -> None:
        raw = self._raw()
        if raw is not None and raw.in_transaction:
            try:
                raw.rollback()
            except Exception as error:
                self._handle_exception(error)


class LoopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, handing out :class:`LoopConnection`."""

    def connect(self, *arg: Any, **kw: Any) -> LoopConnection:
        kw["check_same_thread"] = False  # opened on aiosqlite's thread, used on the loop's
        adapted = super().connect(*arg, **kw)
        connection = LoopConnection(self, adapted._connection)
        setattr(connection, BUSY_TIMEOUT_KEY, 0.0)
        return connection


DBAPI = LoopDBAPI(aiosqlite, sqlite3)
"""The module to give ``create_async_engine`` for ``sqlite+aiosqlite`` URLs."""
