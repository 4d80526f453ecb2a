"""Every filter operator on every supported column type, against SQLite and PostgreSQL.

What a filter should return is computed in Python from the seed rows (``ITEMS``) with
the documented semantics, then compared with what the database returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.api.query.models import AUTHORS, ITEMS, PUBLISHERS, Color, QueryItem
from tests.api.query.routes import items

from shipyard.api.query import Op

Case = tuple[str, str, str, Any]  # field, operator, query text, the Python value

CASES: list[Case] = [
    ("title", "eq", "100% pure", "100% pure"),
    ("title", "ne", "100% pure", "100% pure"),
    ("title", "in", "Comma\\, \\\\ backslash,100% pure", ["Comma, \\ backslash", "100% pure"]),
    ("title", "not_in", "snake_case,snakeXcase", ["snake_case", "snakeXcase"]),
    ("title", "contains", "100%", "100%"),
    ("title", "contains", "e_c", "e_c"),
    ("title", "contains", "Dis", "Dis"),
    ("title", "icontains", "DIS", "DIS"),
    ("title", "icontains", "%", "%"),
    ("title", "startswith", "snake_", "snake_"),
    ("title", "startswith", "The", "The"),
    ("word", "eq", "alpha", "alpha"),
    ("word", "ne", "alpha", "alpha"),
    ("word", "lt", "bravo", "bravo"),
    ("word", "lte", "bravo", "bravo"),
    ("word", "gt", "alpha", "alpha"),
    ("word", "gte", "bravo", "bravo"),
    ("word", "in", "alpha,charlie", ["alpha", "charlie"]),
    ("word", "not_in", "alpha", ["alpha"]),
    ("word", "contains", "rav", "rav"),
    ("word", "icontains", "LIE", "LIE"),
    ("word", "startswith", "al", "al"),
    ("word", "isnull", "true", True),
    ("word", "between", "alpha,bravo", ["alpha", "bravo"]),
    ("count", "eq", "20", 20),
    ("count", "ne", "20", 20),
    ("count", "lt", "20", 20),
    ("count", "lte", "20", 20),
    ("count", "gt", "10", 10),
    ("count", "gte", "+20", 20),
    ("count", "in", "5,30", [5, 30]),
    ("count", "not_in", "20", [20]),
    ("count", "isnull", "false", False),
    ("count", "between", "10,20", [10, 20]),
    ("small", "eq", "2", 2),
    ("small", "ne", "2", 2),
    ("small", "lt", "2", 2),
    ("small", "lte", "2", 2),
    ("small", "gt", "1", 1),
    ("small", "gte", "3", 3),
    ("small", "in", "1,3", [1, 3]),
    ("small", "not_in", "1,3", [1, 3]),
    ("small", "between", "2,3", [2, 3]),
    ("big", "eq", str(2**40), 2**40),
    ("big", "ne", "7", 7),
    ("big", "lt", "0", 0),
    ("big", "lte", "0", 0),
    ("big", "gt", "7", 7),
    ("big", "gte", "7", 7),
    ("big", "in", "-5,3", [-5, 3]),
    ("big", "not_in", "7", [7]),
    ("big", "between", "-5,3", [-5, 3]),
    ("ratio", "eq", "0.5", 0.5),
    ("ratio", "ne", "0.5", 0.5),
    ("ratio", "lt", "1.25", 1.25),
    ("ratio", "lte", "1.25", 1.25),
    ("ratio", "gt", "0.5", 0.5),
    ("ratio", "gte", "1.25", 1.25),
    ("ratio", "in", "0.5,2.75", [0.5, 2.75]),
    ("ratio", "not_in", "0.5", [0.5]),
    ("ratio", "isnull", "1", True),
    ("ratio", "between", "1,3", [1.0, 3.0]),
    ("price", "eq", "19.5", Decimal("19.50")),
    ("price", "ne", "19.50", Decimal("19.50")),
    ("price", "lt", "9.99", Decimal("9.99")),
    ("price", "lte", "9.99", Decimal("9.99")),
    ("price", "gt", "9.99", Decimal("9.99")),
    ("price", "gte", "5", Decimal("5")),
    ("price", "in", "0.10,5.00", [Decimal("0.1"), Decimal("5")]),
    ("price", "not_in", "19.50", [Decimal("19.5")]),
    ("price", "isnull", "true", True),
    ("price", "between", "5,10", [Decimal("5"), Decimal("10")]),
    ("active", "eq", "true", True),
    ("active", "ne", "TRUE", True),
    ("active", "in", "false", [False]),
    ("active", "not_in", "yes", [True]),
    ("active", "isnull", "true", True),
    ("day", "eq", "2024-01-01", date(2024, 1, 1)),
    ("day", "ne", "2024-01-01", date(2024, 1, 1)),
    ("day", "lt", "2024-02-01", date(2024, 2, 1)),
    ("day", "lte", "2024-02-01", date(2024, 2, 1)),
    ("day", "gt", "2024-02-01", date(2024, 2, 1)),
    ("day", "gte", "2024-03-01", date(2024, 3, 1)),
    ("day", "in", "2024-01-01,2024-04-01", [date(2024, 1, 1), date(2024, 4, 1)]),
    ("day", "not_in", "2024-01-01", [date(2024, 1, 1)]),
    ("day", "isnull", "false", False),
    ("day", "between", "2024-01-15,2024-03-01", [date(2024, 1, 15), date(2024, 3, 1)]),
    ("at", "eq", "2024-05-01T11:00:00+02:00", datetime(2024, 5, 1, 9, tzinfo=UTC)),
    ("at", "ne", "2024-05-01T09:00:00Z", datetime(2024, 5, 1, 9, tzinfo=UTC)),
    ("at", "lt", "2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
    ("at", "lte", "2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
    ("at", "gt", "2024-05-02T04:00:00-05:00", datetime(2024, 5, 2, 9, tzinfo=UTC)),
    ("at", "gte", "2024-05-02T09:00:00Z", datetime(2024, 5, 2, 9, tzinfo=UTC)),
    (
        "at",
        "in",
        "2024-05-01T12:00:00Z,2024-05-03T18:00:00Z",
        [datetime(2024, 5, 1, 12, tzinfo=UTC), datetime(2024, 5, 3, 18, tzinfo=UTC)],
    ),
    ("at", "not_in", "2024-05-01T12:00:00Z", [datetime(2024, 5, 1, 12, tzinfo=UTC)]),
    ("at", "isnull", "true", True),
    (
        "at",
        "between",
        "2024-05-01T10:00:00Z,2024-05-02T09:00:00Z",
        [datetime(2024, 5, 1, 10, tzinfo=UTC), datetime(2024, 5, 2, 9, tzinfo=UTC)],
    ),
    ("color", "eq", "red", Color.RED),
    ("color", "eq", "BLUE", Color.BLUE),
    ("color", "ne", "red", Color.RED),
    ("color", "in", "green,blue", [Color.GREEN, Color.BLUE]),
    ("color", "not_in", "blue", [Color.BLUE]),
    ("color", "isnull", "true", True),
    ("ref", "eq", str(uuid.UUID(int=2)), uuid.UUID(int=2)),
    ("ref", "ne", uuid.UUID(int=2).hex, uuid.UUID(int=2)),
    ("ref", "in", f"{uuid.UUID(int=1)},{uuid.UUID(int=4)}", [uuid.UUID(int=1), uuid.UUID(int=4)]),
    ("ref", "not_in", str(uuid.UUID(int=1)), [uuid.UUID(int=1)]),
    ("ref", "isnull", "false", False),
    ("author.name", "eq", "Banks", "Banks"),
    ("author.name", "ne", "Banks", "Banks"),
    ("author.name", "in", "Banks,Cherryh", ["Banks", "Cherryh"]),
    ("author.name", "not_in", "Banks", ["Banks"]),
    ("author.name", "contains", "Gu", "Gu"),
    ("author.name", "icontains", "le", "le"),
    ("author.name", "startswith", "Ch", "Ch"),
    ("author.name", "isnull", "true", True),
    ("author.publisher.name", "eq", "Orbit", "Orbit"),
    ("author.publisher.name", "isnull", "true", True),
]

_PREDICATES: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda x, v: x is not None and x == v,
    "ne": lambda x, v: x is None or x != v,
    "lt": lambda x, v: x is not None and x < v,
    "lte": lambda x, v: x is not None and x <= v,
    "gt": lambda x, v: x is not None and x > v,
    "gte": lambda x, v: x is not None and x >= v,
    "in": lambda x, v: x is not None and x in v,
    "not_in": lambda x, v: x is None or x not in v,
    "contains": lambda x, v: x is not None and v in x,
    "icontains": lambda x, v: x is not None and v.lower() in x.lower(),
    "startswith": lambda x, v: x is not None and x.startswith(v),
    "isnull": lambda x, v: (x is None) == v,
    "between": lambda x, v: x is not None and v[0] <= x <= v[1],
}


def _value(row: dict[str, Any], field: str) -> Any:
    if field == "author.name" or field == "author.publisher.name":
        author = next((a for a in AUTHORS if a["id"] == row["author_id"]), None)
        if author is None or field == "author.name":
            return author and author["name"]
        publisher = next((p for p in PUBLISHERS if p["id"] == author["publisher_id"]), None)
        return publisher and publisher["name"]
    return row[field]


def expected_ids(field: str, op: str, value: Any) -> set[int]:
    predicate = _PREDICATES[op]
    return {row["id"] for row in ITEMS if predicate(_value(row, field), value)}


async def ids_for(session: AsyncSession, params: list[tuple[str, str]]) -> set[int]:
    query = items.parse(params)
    return set(await session.scalars(query.apply(select(QueryItem.id))))


def test_the_cases_cover_every_declared_operator_and_select_a_real_subset() -> None:
    covered = {(field, op) for field, op, _, _ in CASES}
    declared = {(name, str(op)) for name, f in items.filterable.items() for op in f.ops}
    assert declared - covered == set()
    assert {str(op) for op in Op} == {op for _, op, _, _ in CASES}
    for field, op, _, value in CASES:  # each case tells matching rows from the rest
        assert 0 < len(expected_ids(field, op, value)) < len(ITEMS), (field, op)


@pytest.mark.parametrize(("field", "op", "text", "value"), CASES, ids=lambda c: str(c)[:30])
async def test_filter_returns_exactly_the_matching_rows(
    session: AsyncSession, field: str, op: str, text: str, value: Any
) -> None:
    found = await ids_for(session, [(f"{field}__{op}", text)])

    assert found == expected_ids(field, op, value)


async def test_filters_on_different_fields_and_operators_combine_with_and(
    session: AsyncSession,
) -> None:
    found = await ids_for(session, [("count__gte", "10"), ("count__lt", "30"), ("active__eq", "1")])

    assert found == expected_ids("count", "between", [10, 29]) & expected_ids("active", "eq", True)


async def test_like_wildcards_in_values_match_literally(session: AsyncSession) -> None:
    assert await ids_for(session, [("title__contains", "_")]) == {3}
    assert await ids_for(session, [("title__icontains", "0%")]) == {2}
    assert await ids_for(session, [("title__startswith", "%")]) == set()
    assert await ids_for(session, [("title__contains", "\\")]) == {6}


async def test_contains_is_case_sensitive_on_every_backend(session: AsyncSession) -> None:
    assert await ids_for(session, [("title__contains", "dispossessed")]) == {5}
    assert await ids_for(session, [("title__startswith", "the")]) == {5}


async def test_values_are_bound_so_sql_in_a_value_is_just_text(session: AsyncSession) -> None:
    hostile = "x'; DROP TABLE query_test_items; --"

    assert await ids_for(session, [("title__eq", hostile)]) == set()
    assert await ids_for(session, [("title__in", f"{hostile},a' OR '1'='1")]) == set()
    assert await ids_for(session, [("title__icontains", "' OR 1=1 --")]) == set()
    assert len(await ids_for(session, [])) == len(ITEMS)  # the table is still there
