"""The query cache: a select's rows kept in the cache until the tables it reads change.

::

    rows = await cached_query(
        db, select(Ship.name, Ship.tonnage).order_by(Ship.tonnage.desc()).limit(50), ttl=300
    )

The key is the statement's SQL, compiled for the session's database, with its bound
parameters (hashed): the same query with other values is another entry. Every table the
statement reads (joins and subqueries included) tags the entry with its
:func:`~shipyard.cache.models.model_tag`, so a committed change to those rows (an ORM
flush, or a bulk insert, update or delete through a session) invalidates it after the
commit, with no tag to name by hand; ``tags`` adds your own. Concurrent misses run the
query once (:meth:`~shipyard.cache.client.Cache.get_or_set`).

Rows come back as dicts keyed by column label, their values as the database gave them
(dates, decimals and UUIDs included, see :mod:`shipyard.cache.codec`). Selecting whole
entities (``select(Ship)``) is refused: an ORM object belongs to a session, it is not
data to share between requests; select the columns you show.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, TableClause
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import find_tables

from shipyard.cache.models import model_tag
from shipyard.cache.registry import process_registry
from shipyard.errors import ShipyardError


def _refuse_entities(statement: Select[*tuple[Any, ...]]) -> None:
    for column in statement.column_descriptions:
        if column.get("expr") is column.get("entity") is not None:
            name = getattr(column["entity"], "__name__", repr(column["entity"]))
            raise ShipyardError(
                f"cached_query cannot keep {name} objects: an ORM object belongs to its "
                "session, not to a cache shared between requests",
                hint=f"select the columns you need, e.g. select({name}.id, {name}.name)",
            )


def query_tags(statement: Select[*tuple[Any, ...]]) -> list[str]:
    """The model tags of every table ``statement`` reads, sorted."""
    tables = find_tables(statement, include_joins=True, include_aliases=True)
    return sorted({model_tag(table.name) for table in tables if isinstance(table, TableClause)})


def query_key(session: AsyncSession, statement: Select[*tuple[Any, ...]]) -> str:
    """The entry key of ``statement``: its compiled SQL and parameters, hashed."""
    compiled = statement.compile(dialect=session.get_bind().dialect)
    text = f"{compiled}\x00{sorted(compiled.params.items())!r}"
    return "q:" + hashlib.sha256(text.encode()).hexdigest()


async def cached_query(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    *,
    ttl: float | None = None,
    tags: Iterable[str] = (),
    backend: str | None = None,
) -> list[dict[str, Any]]:
    """The rows of ``statement``, from the cache or run on ``session`` (see the module)."""
    _refuse_entities(statement)

    async def run() -> list[dict[str, Any]]:
        result = await session.execute(statement)
        return [dict(row._mapping) for row in result]

    cache = process_registry().get(backend)
    rows: list[dict[str, Any]] = await cache.get_or_set(
        query_key(session, statement), run, ttl, tags=[*query_tags(statement), *tags]
    )
    return rows
