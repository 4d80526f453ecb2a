"""Sorting on SQLite and PostgreSQL: the same order on both, NULLs placed explicitly.

Ascending puts NULLs last and descending puts them first on every backend; ties are
broken by the primary key. The expected order is computed in Python from the seed rows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from tests.api.query.models import ITEMS, QueryItem
from tests.api.query.routes import items
from tests.api.query.test_operators import _value

SORTED = [
    "title",
    "word",
    "count",
    "small",
    "big",
    "ratio",
    "price",
    "active",
    "day",
    "at",
    "ref",
    "author.name",
    "author.publisher.name",
]


def expected_order(fields: list[tuple[str, bool]]) -> list[int]:
    """Row ids sorted by ``(field, descending)`` terms, NULL largest, then by id."""
    rows = sorted(ITEMS, key=lambda row: row["id"])
    for field, descending in reversed(fields):
        present = [row for row in rows if _value(row, field) is not None]
        missing = [row for row in rows if _value(row, field) is None]
        present.sort(key=lambda row: _value(row, field), reverse=descending)
        rows = missing + present if descending else present + missing
    return [row["id"] for row in rows]


async def sorted_ids(session: AsyncSession, sort: str) -> list[int]:
    query = items.parse([("sort", sort)])
    return list(await session.scalars(query.apply(select(QueryItem.id))))


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("field", SORTED)
async def test_sort_by_each_field_matches_on_every_backend(
    session: AsyncSession, field: str, descending: bool
) -> None:
    found = await sorted_ids(session, f"-{field}" if descending else field)

    assert found == expected_order([(field, descending)])


async def test_nulls_last_ascending_and_first_descending(session: AsyncSession) -> None:
    assert (await sorted_ids(session, "count"))[-1] == 3
    assert (await sorted_ids(session, "-count"))[0] == 3
    assert (await sorted_ids(session, "author.publisher.name"))[-2:] == [3, 4]


async def test_several_terms_and_the_primary_key_break_ties(session: AsyncSession) -> None:
    found = await sorted_ids(session, "word,-count")

    assert found == expected_order([("word", False), ("count", True)])
    assert found[:2] == [5, 1]  # both "alpha": higher count first


async def test_ties_on_every_term_fall_back_to_the_primary_key(session: AsyncSession) -> None:
    assert await sorted_ids(session, "-price") == [3, 2, 4, 1, 6, 5]


def test_nulls_placement_is_written_only_for_nullable_columns() -> None:
    query = items.parse([("sort", "-count,title")])

    sql = str(query.apply(select(QueryItem.id)).compile(dialect=sqlite.dialect()))

    assert "count DESC NULLS FIRST, query_test_items.title ASC, query_test_items.id ASC" in sql


def test_relationship_sort_joins_once_and_outer() -> None:
    query = items.parse([("sort", "author.publisher.name,author.name"), ("author.name__ne", "x")])

    sql = str(query.apply(select(QueryItem.id)).compile(dialect=sqlite.dialect()))

    assert sql.count("LEFT OUTER JOIN query_test_authors") == 1
    assert sql.count("LEFT OUTER JOIN query_test_publishers") == 1
    assert " JOIN " not in sql.replace("LEFT OUTER JOIN", "")
