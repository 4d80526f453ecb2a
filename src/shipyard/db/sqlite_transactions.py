"""When a SQLite transaction takes the write lock: ``BEGIN IMMEDIATE`` at its first write.

SQLite allows one writer at a time. A transaction opened with a plain (deferred) ``BEGIN``
that has read holds a snapshot, and SQLite cannot let it write once another connection
has written since: it refuses at once with "database is locked", without waiting out the
busy timeout, so two requests that each read a row and then update it fail.

So SQLAlchemy's BEGIN is held back (:func:`install`): statements that only read (``SELECT``
and ``PRAGMA``) run in autocommit, each on the latest committed data, never waiting for a
writer (WAL). The first statement that may write (anything else, ``SAVEPOINT`` and DDL
included, and a ``SELECT ... FOR UPDATE``) is preceded by ``BEGIN IMMEDIATE``, which waits
up to the busy timeout for the write lock; from then on the transaction holds it until
commit or rollback. This is how Rails 8 uses SQLite, and what PostgreSQL's default READ
COMMITTED isolation gives: reads see the latest commits, writes queue, nothing deadlocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

PENDING = "shipyard.sqlite_begin_pending"
"""Key in the DBAPI connection's ``info``: SQLAlchemy began, SQLite has not yet."""
READS = frozenset({"SELECT", "PRAGMA"})


def install(engine: Engine) -> None:
    """Hold back BEGIN on ``engine`` until the first statement that may write."""
    event.listen(engine, "begin", _hold_back)
    event.listen(engine, "before_cursor_execute", _begin_before_writing)
    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)
    event.listen(engine, "handle_error", _rearm)


def _hold_back(connection: Connection) -> None:
    connection.info[PENDING] = True


def _end(connection: Connection) -> None:
    """The transaction is over; an invalidated connection is discarded, not reset."""
    if not connection.invalidated:
        connection.info[PENDING] = False


def _begin_before_writing(
    connection: Connection, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    """``BEGIN IMMEDIATE`` before the transaction's first statement that may write.

    It runs on the raw connection, so query counters see the same on every backend; a
    busy timeout that runs out surfaces as this statement's ``OperationalError``. With
    ``shipyard.db.sqlite_driver`` it runs in the statement's own thread hop.
    """
    if not connection.info.get(PENDING) or only_reads(statement, context):
        return
    execute_first = getattr(cursor, "execute_first", None)
    if execute_first is not None:
        execute_first("BEGIN IMMEDIATE")
    else:
        raw = connection.connection.cursor()
        try:
            raw.execute("BEGIN IMMEDIATE")
        finally:
            raw.close()
    connection.info[PENDING] = False


def _rearm(context: ExceptionContext) -> None:
    """A failed statement that left no SQLite transaction: BEGIN again at the next write.

    That is a ``BEGIN IMMEDIATE`` sent with the statement that timed out waiting for the
    lock, or an error that made SQLite roll the transaction back.
    """
    connection = context.connection
    if connection is None or connection.invalidated or not connection.in_transaction():
        return
    in_transaction = getattr(connection.connection.dbapi_connection, "in_transaction", None)
    if in_transaction is not None and not in_transaction():
        connection.info[PENDING] = True


def only_reads(statement: str, context: Any = None) -> bool:
    """True for a ``SELECT`` (not ``FOR UPDATE``) or a ``PRAGMA``; anything else may write."""
    words = statement.split(None, 1)
    if not words or words[0].upper() not in READS:
        return False
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is None
