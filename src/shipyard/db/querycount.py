"""Counting SQL statements, for tests that guard against N+1 queries.

``assert_max_queries(n)`` fails with the list of executed statements when more than ``n``
ran inside it; ``count_queries()`` just counts. Both work as ``with`` and ``async with``
and count every engine in the process (so requests served in-process are included) unless
given one engine.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

EVENT = "before_cursor_execute"


class QueryCounter:
    """Records each statement executed while active; ``count`` and ``statements``."""

    def __init__(self, engine: Engine | AsyncEngine | None = None) -> None:
        target: type[Engine] | Engine
        if isinstance(engine, AsyncEngine):
            target = engine.sync_engine
        else:
            target = engine if engine is not None else Engine
        self._target = target
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        """How many statements ran so far."""
        return len(self.statements)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    def start(self) -> None:
        """Begin recording."""
        event.listen(self._target, EVENT, self._record)

    def stop(self) -> None:
        """Stop recording (the statements stay available)."""
        if event.contains(self._target, EVENT, self._record):
            event.remove(self._target, EVENT, self._record)

    def report(self) -> str:
        """The recorded statements, numbered, one per line."""
        return "\n".join(
            f"{n}. {' '.join(sql.split())}" for n, sql in enumerate(self.statements, 1)
        )

    def __enter__(self) -> QueryCounter:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> QueryCounter:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)


def count_queries(engine: Engine | AsyncEngine | None = None) -> QueryCounter:
    """A counter to use as ``with count_queries() as queries: ...; queries.count``."""
    return QueryCounter(engine)


class assert_max_queries(QueryCounter):
    """Fail if more than ``limit`` statements run inside the block.

    ::

        async with assert_max_queries(2):
            await client.get("/posts")
    """

    def __init__(self, limit: int, engine: Engine | AsyncEngine | None = None) -> None:
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        super().__init__(engine)
        self.limit = limit

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, traceback)
        if exc_type is None and self.count > self.limit:
            raise AssertionError(
                f"expected at most {self.limit} queries, {self.count} ran:\n{self.report()}"
            )
