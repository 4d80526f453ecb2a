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
from sqlalchemy.engine import Connection, Engine

PENDING = "shipyard.sqlite_begin_pending"
"""Key in the DBAPI connection's ``info``: SQLAlchemy began, SQLite has not yet."""
READS = frozenset({"SELECT", "PRAGMA"})


def install(engine: Engine) -> None:
    """Hold back BEGIN on ``engine`` until the first statement that may write."""
    event.listen(engine, "begin", _hold_back)
    event.listen(engine, "before_cursor_execute", _begin_before_writing)
    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)


def _hold_back(connection: Connection) -> None:
    connection.info[PENDING] = True


def _end(connection: Connection) -> None:
    if not connection.invalidated:  # an invalidated connection's next one starts afresh
        connection.info[PENDING] = False


def _begin_before_writing(
    connection: Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    """``BEGIN IMMEDIATE`` before the transaction's first statement that may write.

    It runs on the raw connection, so query counters see the same on every backend; a
    busy timeout that runs out surfaces as this statement's ``OperationalError``.
    """
    if not connection.info.get(PENDING) or only_reads(statement, context):
        return
    cursor = connection.connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()
    connection.info[PENDING] = False


def only_reads(statement: str, context: Any = None) -> bool:
    """True for a ``SELECT`` (not ``FOR UPDATE``) or a ``PRAGMA``; anything else may write."""
    words = statement.split(None, 1)
    if not words or words[0].upper() not in READS:
        return False
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is None
