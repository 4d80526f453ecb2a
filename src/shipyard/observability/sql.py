"""Slow SQL statements and N+1 patterns, logged with the request that ran them.

:func:`watch_statements` listens on an app's engine (the extension calls it at start-up):

- a statement slower than ``logging.slow_query_ms`` logs a ``slow statement`` warning
  with its duration and its SQL (never its parameters, which may hold secrets); the
  request's context (id, method, path) is on the line like on any other;
- in debug mode (development), the statements of each request are tallied by their SQL
  and, when the request ends, one that ran ``logging.repeated_query_warning`` times or
  more logs a ``repeated statement`` warning: the signature of an N+1 query (a loop
  loading one related row per item), with the count and the SQL to fix.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from shipyard.config.models import Settings
from shipyard.observability.logs import get_logger

STARTED = "shipyard.statement_started"
SQL_SHOWN = 500
"""Characters of a statement's SQL kept in a log line."""

logger = get_logger("shipyard.sql")
_tally: ContextVar[Counter[str] | None] = ContextVar("shipyard_statement_tally", default=None)


def compact(statement: str) -> str:
    """The statement on one line, cut to :data:`SQL_SHOWN` characters."""
    text = " ".join(statement.split())
    return text if len(text) <= SQL_SHOWN else text[:SQL_SHOWN] + "..."


def watch_statements(engine: Engine, settings: Settings) -> None:
    """Time every statement on ``engine`` and tally them per request (see the module)."""
    threshold = settings.logging.slow_query_ms

    def before(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info.setdefault(STARTED, []).append(time.perf_counter())

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        started = conn.info[STARTED].pop()
        tally = _tally.get()
        if tally is not None:
            tally[statement] += 1
        if threshold is None:
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        if elapsed_ms > threshold:
            logger.warning(
                "slow statement", duration_ms=round(elapsed_ms, 2), statement=compact(statement)
            )

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)


@contextmanager
def repeated_statements(threshold: int) -> Iterator[None]:
    """Tally the statements run inside; warn about those run ``threshold`` times or more."""
    tally: Counter[str] = Counter()
    token = _tally.set(tally)
    try:
        yield
    finally:
        _tally.reset(token)
        for statement, count in tally.items():
            if count >= threshold:
                logger.warning(
                    "repeated statement: a likely N+1 query",
                    count=count,
                    statement=compact(statement),
                    hint="load the related rows with the first query "
                    "(selectinload/joinedload), or fetch them in one IN (...) query",
                )
