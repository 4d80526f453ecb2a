"""Keyset SQL: the ORDER BY and the "rows after this key" WHERE for a sort spec.

NULL placement is explicit and the same on every backend: ascending puts NULLs last,
descending puts them first, so a descending sort is exactly the reverse of the ascending
one (and matches a plain b-tree index on PostgreSQL). The ORDER BY says ``NULLS LAST`` /
``NULLS FIRST`` instead of trusting a backend's default, and the WHERE spells out NULLs
with ``IS NULL`` / ``IS NOT NULL`` branches, because ``col > NULL`` is never true.

For the sort ``(k1, ..., kn)`` (the last a unique, non-null tiebreaker) the rows after the
key ``(v1, ..., vn)`` are ``OR_i (k1 = v1 AND ... AND k(i-1) = v(i-1) AND ki after vi)``.
The rows *before* a key are the rows after it in the reversed sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_, true


class SortKey(Protocol):
    """One sort column (``shipyard.api.query.SortTerm`` satisfies this)."""

    @property
    def name(self) -> str: ...
    @property
    def column(self) -> ColumnElement[Any]: ...
    @property
    def descending(self) -> bool: ...
    @property
    def nullable(self) -> bool: ...


def order_by(sort: Sequence[SortKey], *, reverse: bool = False) -> list[ColumnElement[Any]]:
    """ORDER BY clauses for ``sort`` (reversed: every direction and NULL placement flipped)."""
    clauses: list[ColumnElement[Any]] = []
    for term in sort:
        if term.descending != reverse:
            clause = term.column.desc()
            clauses.append(clause.nulls_first() if term.nullable else clause)
        else:
            clause = term.column.asc()
            clauses.append(clause.nulls_last() if term.nullable else clause)
    return clauses


def _equal(term: SortKey, value: Any) -> ColumnElement[bool]:
    return term.column.is_(None) if value is None else term.column == value


def _after(term: SortKey, value: Any, descending: bool) -> ColumnElement[bool]:
    """Rows whose value of ``term`` comes strictly after ``value`` in this direction."""
    column = term.column
    if descending:  # NULLs first, then large to small
        if value is None:
            return column.is_not(None)
        smaller: ColumnElement[bool] = column < value
        return smaller
    # NULLs last, after small to large
    if value is None:
        return false()
    larger: ColumnElement[bool] = column > value
    return or_(larger, column.is_(None)) if term.nullable else larger


def after(
    sort: Sequence[SortKey],
    values: Sequence[Any],
    *,
    reverse: bool = False,
    inclusive: bool = False,
) -> ColumnElement[bool]:
    """WHERE for the rows after the key ``values`` in ``sort`` (or its reverse).

    Strictly after, unless ``inclusive``: then the row with exactly that key too.
    """
    if len(sort) != len(values):
        raise ValueError(f"{len(values)} key values given for a sort on {len(sort)} columns")
    branches: list[ColumnElement[bool]] = []
    for index, (term, value) in enumerate(zip(sort, values, strict=True)):
        prefix = [
            _equal(earlier, v) for earlier, v in zip(sort[:index], values[:index], strict=True)
        ]
        step = _after(term, value, term.descending != reverse)
        branches.append(and_(*prefix, step) if prefix else step)
    if inclusive:
        same = zip(sort, values, strict=True)
        branches.append(and_(*(_equal(term, value) for term, value in same)))
    condition = or_(*branches) if branches else false()
    return and_(_leading_bound(sort[0], values[0], reverse), condition) if sort else condition


def _leading_bound(term: SortKey, value: Any, reverse: bool) -> ColumnElement[bool]:
    """A redundant range on the first column so an index on it can be used.

    Only for a non-null first column: with NULLs the bound would need an ``OR IS NULL``,
    which defeats the index anyway.
    """
    if term.nullable or value is None:
        return true()
    bound: ColumnElement[bool] = (
        term.column <= value if term.descending != reverse else term.column >= value
    )
    return bound
