"""The filter operators: which column types each applies to, and the SQL each builds.

``ne`` and ``not_in`` keep rows whose value is NULL (a NULL differs from every value),
``between`` is inclusive, and the text operators match their value literally: ``%`` and
``_`` are escaped for LIKE. ``contains`` and ``startswith`` are case-sensitive on every
backend (SQLite's LIKE is not, so there they compile to ``instr``); ``icontains`` compares
``lower()`` of both sides.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Enum, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from shipyard.api.query.fields import ResolvedField


class Op(StrEnum):
    """A filter operator, as written after ``__`` in the query string."""

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    ICONTAINS = "icontains"
    STARTSWITH = "startswith"
    ISNULL = "isnull"
    BETWEEN = "between"


LIST_OPS = frozenset({Op.IN, Op.NOT_IN, Op.BETWEEN})
"""Operators whose value is a comma-separated list."""
ORDER_OPS = frozenset({Op.LT, Op.LTE, Op.GT, Op.GTE, Op.BETWEEN})
TEXT_OPS = frozenset({Op.CONTAINS, Op.ICONTAINS, Op.STARTSWITH})
EQUALITY_OPS = frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.ISNULL})
_ORDERED_TYPES = (int, float, Decimal, date, str)  # datetime is a date subclass


class _PerDialect(FunctionElement[bool]):
    """Renders its first clause, or on SQLite its second (same meaning, other SQL)."""

    type = Boolean()
    inherit_cache = True
    name = "per_dialect"
    _is_implicitly_boolean = True  # a predicate: never compared with 1 in WHERE


@compiles(_PerDialect)
def _compile_default(element: _PerDialect, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(_PerDialect, "sqlite")
def _compile_sqlite(element: _PerDialect, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[1], **kw)


def applicable(field: ResolvedField) -> frozenset[Op]:
    """Every operator that makes sense for ``field``'s type."""
    python_type = field.python_type
    if isinstance(field.base_type, Enum) or python_type in (None, bool, uuid.UUID):
        return EQUALITY_OPS
    if python_type is not None and issubclass(python_type, str):
        return EQUALITY_OPS | ORDER_OPS | TEXT_OPS
    if python_type is not None and issubclass(python_type, _ORDERED_TYPES):
        return EQUALITY_OPS | ORDER_OPS
    return EQUALITY_OPS


def default_ops(field: ResolvedField) -> frozenset[Op]:
    """The operators a field gets when declared without a list: no ordering on text
    (collations differ between backends), ``isnull`` only when the field can be NULL."""
    ops = applicable(field)
    python_type = field.python_type
    if python_type is not None and issubclass(python_type, str):
        ops -= ORDER_OPS
    if not field.nullable:
        ops -= {Op.ISNULL}
    return ops


def _not_equal(column: ColumnElement[Any], value: Any, nullable: bool) -> ColumnElement[bool]:
    return column.is_distinct_from(value) if nullable else column != value


def _not_in(column: ColumnElement[Any], values: Any, nullable: bool) -> ColumnElement[bool]:
    condition = column.not_in(values)
    return or_(condition, column.is_(None)) if nullable else condition


def _contains(column: ColumnElement[Any], value: Any, nullable: bool) -> ColumnElement[bool]:
    return _PerDialect(column.contains(value, autoescape=True), func.instr(column, value) > 0)


def _startswith(column: ColumnElement[Any], value: Any, nullable: bool) -> ColumnElement[bool]:
    return _PerDialect(column.startswith(value, autoescape=True), func.instr(column, value) == 1)


def _isnull(column: ColumnElement[Any], value: Any, nullable: bool) -> ColumnElement[bool]:
    return column.is_(None) if value else column.is_not(None)


Builder = Callable[[ColumnElement[Any], Any, bool], ColumnElement[bool]]

BUILDERS: dict[Op, Builder] = {
    Op.EQ: lambda column, value, _: column == value,
    Op.NE: _not_equal,
    Op.LT: lambda column, value, _: column < value,
    Op.LTE: lambda column, value, _: column <= value,
    Op.GT: lambda column, value, _: column > value,
    Op.GTE: lambda column, value, _: column >= value,
    Op.IN: lambda column, values, _: column.in_(values),
    Op.NOT_IN: _not_in,
    Op.CONTAINS: _contains,
    Op.ICONTAINS: lambda column, value, _: column.icontains(value, autoescape=True),
    Op.STARTSWITH: _startswith,
    Op.ISNULL: _isnull,
    Op.BETWEEN: lambda column, values, _: column.between(values[0], values[1]),
}
