"""The database store: cache entries as rows of ``shipyard_cache`` (a shared cache, no server).

Like Rails' Solid Cache: every process of the app shares the table, so a value computed
once is a hit everywhere. The table belongs to the ``shipyard_cache`` migration branch
(:data:`CACHE_MIGRATIONS`, applied by ``shipyard db upgrade``). A row holds a value
(``value``, bytes) or a counter (``counter``), with an optional absolute expiry. Expired
rows are ignored on read, replaced on write and deleted in bulk by
:meth:`DatabaseStore.purge_expired`.

During a request the statements run in the request's shared database session (so a value
computed from data the request then rolls back is rolled back with it); locks on
PostgreSQL are taken in a transaction of their own so other processes see them at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    LargeBinary,
    String,
    Table,
    case,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.database import Database
from shipyard.db.model import UtcDateTime, framework_metadata
from shipyard.db.request import current_request_session

cache_table = Table(
    "shipyard_cache",
    framework_metadata,
    Column("key", String(250), primary_key=True),
    Column("value", LargeBinary, nullable=True),
    Column("counter", BigInteger, nullable=True),
    Column("expires_at", UtcDateTime(), nullable=True, index=True),
)
CACHE_MIGRATIONS = MigrationBranch.declare(
    "shipyard_cache", Path(__file__).parent / "migrations", cache_table
)
"""The migrations of ``shipyard_cache``."""

_KEY_LIMIT = 250


def _expiry(ttl: float | None) -> datetime | None:
    return None if ttl is None else utc_now() + timedelta(seconds=ttl)


def _live(now: datetime) -> Any:
    return or_(cache_table.c.expires_at.is_(None), cache_table.c.expires_at > now)


def _under(prefix: str) -> Any:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cache_table.c.key.like(escaped + "%", escape="\\")


def _check(key: str) -> str:
    if len(key) > _KEY_LIMIT:
        raise ValueError(f"cache key longer than {_KEY_LIMIT} characters: {key[:40]}...")
    return key


class DatabaseStore:
    """Cache entries in the app database's ``shipyard_cache`` table."""

    encodes = True
    shared = True
    remote = False

    def __init__(self, database: Database) -> None:
        self.database = database
        self._dialect: Any = sqlite if database.backend == "sqlite" else postgresql

    @asynccontextmanager
    async def _connection(self, *, own: bool = False) -> AsyncIterator[AsyncConnection]:
        """The request's shared connection (committed with the request), else its own."""
        shared = None if own else current_request_session()
        if shared is not None:
            yield await shared.connection()
            return
        async with self.database.engine.begin() as connection:
            yield connection

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        query = select(cache_table.c.key, cache_table.c.value).where(
            cache_table.c.key.in_(list(keys)), _live(utc_now())
        )
        async with self._connection() as connection:
            found = {row.key: row.value for row in await connection.execute(query)}
        return [found.get(key) for key in keys]

    async def read(
        self, keys: Sequence[str], counter_keys: Sequence[str]
    ) -> tuple[list[Any | None], list[int]]:
        columns = (cache_table.c.key, cache_table.c.value, cache_table.c.counter)
        query = select(*columns).where(
            cache_table.c.key.in_([*keys, *counter_keys]), _live(utc_now())
        )
        async with self._connection() as connection:
            found = {row.key: row for row in await connection.execute(query)}
        values = [found[key].value if key in found else None for key in keys]
        counters = [int(found[key].counter or 0) if key in found else 0 for key in counter_keys]
        return values, counters

    def _upsert(self, rows: list[dict[str, Any]]) -> Any:
        insert = self._dialect.insert(cache_table).values(rows)
        return insert.on_conflict_do_update(
            index_elements=[cache_table.c.key],
            set_={
                "value": insert.excluded.value,
                "counter": None,
                "expires_at": insert.excluded.expires_at,
            },
        )

    async def set_many(self, items: Mapping[str, Any], ttl: float | None) -> None:
        if not items:
            return
        expires_at = _expiry(ttl)
        rows = [
            {"key": _check(key), "value": value, "counter": None, "expires_at": expires_at}
            for key, value in items.items()
        ]
        async with self._connection() as connection:
            await connection.execute(self._upsert(rows))

    async def add(self, key: str, value: Any, ttl: float | None) -> bool:
        now = utc_now()
        insert = self._dialect.insert(cache_table).values(
            key=_check(key), value=value, counter=None, expires_at=_expiry(ttl)
        )
        statement = insert.on_conflict_do_update(
            index_elements=[cache_table.c.key],
            set_={"value": insert.excluded.value, "expires_at": insert.excluded.expires_at},
            where=cache_table.c.expires_at <= now,
        ).returning(cache_table.c.key)
        async with self._connection(own=self.database.backend != "sqlite") as connection:
            return (await connection.execute(statement)).first() is not None

    async def release(self, key: str, value: Any) -> None:
        statement = delete(cache_table).where(
            cache_table.c.key == key, cache_table.c.value == value
        )
        async with self._connection(own=self.database.backend != "sqlite") as connection:
            await connection.execute(statement)

    async def delete_many(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        statement = delete(cache_table).where(cache_table.c.key.in_(list(keys)))
        async with self._connection() as connection:
            return int((await connection.execute(statement)).rowcount)

    async def incr(self, key: str, delta: int, ttl: float | None) -> int:
        now = utc_now()
        insert = self._dialect.insert(cache_table).values(
            key=_check(key), value=None, counter=delta, expires_at=_expiry(ttl)
        )
        expired = or_(cache_table.c.counter.is_(None), cache_table.c.expires_at <= now)
        statement = insert.on_conflict_do_update(
            index_elements=[cache_table.c.key],
            set_={
                "value": None,
                "counter": case(
                    (expired, insert.excluded.counter),
                    else_=cache_table.c.counter + insert.excluded.counter,
                ),
                "expires_at": case(
                    (expired, insert.excluded.expires_at), else_=cache_table.c.expires_at
                ),
            },
        ).returning(cache_table.c.counter)
        async with self._connection() as connection:
            return int((await connection.execute(statement)).scalar_one())

    async def counters(self, keys: Sequence[str]) -> list[int]:
        query = select(cache_table.c.key, cache_table.c.counter).where(
            cache_table.c.key.in_(list(keys)), _live(utc_now())
        )
        async with self._connection() as connection:
            found = {row.key: row.counter for row in await connection.execute(query)}
        return [int(found.get(key) or 0) for key in keys]

    async def count(self, prefix: str) -> int:
        query = select(func.count()).select_from(cache_table).where(_under(prefix))
        async with self._connection() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def clear(self, prefix: str) -> int:
        statement = delete(cache_table).where(_under(prefix))
        async with self._connection() as connection:
            return int((await connection.execute(statement)).rowcount)

    async def purge_expired(self) -> int:
        """Delete every expired row; how many went (run it from a job)."""
        statement = delete(cache_table).where(cache_table.c.expires_at <= utc_now())
        async with self._connection(own=True) as connection:
            return int((await connection.execute(statement)).rowcount)

    async def close(self) -> None:
        """Nothing to do: the engine belongs to the database extension."""
