"""Recognising a busy database: SQLite's wait for the write lock ran out.

With ``BEGIN IMMEDIATE`` a transaction waits up to ``database.busy_timeout`` for the write
lock; past that SQLite answers ``SQLITE_BUSY`` ("database is locked"). That is load, not
a bug: the web layer answers it with 503 and ``Retry-After`` (:data:`RETRY_AFTER`).
"""

from __future__ import annotations

import sqlite3

RETRY_AFTER = 1
"""Seconds a client is asked to wait before retrying after the database was busy."""


def is_lock_timeout(exc: BaseException) -> bool:
    """True if ``exc`` is, wraps or was caused by SQLite's ``SQLITE_BUSY``."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY:
            return True
        orig = getattr(current, "orig", None)
        pending += [
            orig if isinstance(orig, BaseException) else None,
            current.__cause__,
            current.__context__,
        ]
    return False
