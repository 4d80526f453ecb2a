"""Turning query-string text into typed values by the column's type.

Supported: integers (range-checked against the column's SQL integer size, so a huge
number is a 400 and never a database overflow), floats and decimals (finite only),
booleans, ISO dates, ISO datetimes with a time zone, enums (by value or name), UUIDs and
strings. Each failure raises :class:`ValueError` with a message fit for the client.
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Enum, SmallInteger
from sqlalchemy.sql.type_api import TypeEngine

from shipyard.api.query.errors import shorten
from shipyard.api.query.fields import ResolvedField

MAX_VALUE_LENGTH = 1000
_INTEGER = re.compile(r"^[+-]?[0-9]{1,20}$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _integer_bounds(sql_type: TypeEngine[Any]) -> tuple[int, int]:
    if isinstance(sql_type, SmallInteger):
        return -(2**15), 2**15 - 1
    if isinstance(sql_type, BigInteger):
        return -(2**63), 2**63 - 1
    return -(2**31), 2**31 - 1


def _integer(text: str, field: ResolvedField) -> int:
    if not _INTEGER.match(text):
        raise ValueError(f"{shorten(text)} is not an integer")
    value = int(text)
    low, high = _integer_bounds(field.base_type)
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range ({low} to {high})")
    return value


def _float(text: str, field: ResolvedField) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{shorten(text)} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{shorten(text)} is not a finite number")
    return value


def _decimal(text: str, field: ResolvedField) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{shorten(text)} is not a decimal number") from None
    if not value.is_finite() or abs(value.adjusted()) > 100:
        raise ValueError(f"{shorten(text)} is not a finite decimal of sensible size")
    return value


def parse_bool(text: str) -> bool:
    """``true``/``1``/``yes`` or ``false``/``0``/``no`` (any case); ValueError otherwise."""
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{shorten(text)} is not a boolean (use true or false)")


def _bool(text: str, field: ResolvedField) -> bool:
    return parse_bool(text)


def _date(text: str, field: ResolvedField) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{shorten(text)} is not an ISO date (YYYY-MM-DD)") from None


def _datetime(text: str, field: ResolvedField) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        if " " in text.strip():
            raise ValueError(
                f"{shorten(text)} is not an ISO datetime with a time zone: a '+' in a URL "
                "means a space, so send the offset as %2B (or use Z)"
            )
        if value is None:
            raise ValueError(f"{shorten(text)} is not an ISO datetime (e.g. 2024-05-01T12:00:00Z)")
        raise ValueError(f"{shorten(text)} has no time zone (add Z or an offset like %2B02:00)")
    return value


def _uuid(text: str, field: ResolvedField) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValueError(f"{shorten(text)} is not a UUID") from None


def _string(text: str, field: ResolvedField) -> str:
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


def _enum_type(field: ResolvedField) -> Enum:
    """The field's SQL ``Enum`` type (callers only ask for enum fields)."""
    sql_type = field.base_type
    if not isinstance(sql_type, Enum):
        raise TypeError(f"field {field.name!r} is not an enum column")
    return sql_type


def enum_choices(field: ResolvedField) -> list[str]:
    """The accepted spellings of an enum field (its values; names are accepted too)."""
    sql_type = _enum_type(field)
    if sql_type.enum_class is not None:
        return [str(member.value) for member in sql_type.enum_class]
    return list(sql_type.enums)


def _enum(text: str, field: ResolvedField) -> Any:
    sql_type = _enum_type(field)
    if sql_type.enum_class is None:
        if text in sql_type.enums:
            return text
    else:
        members: list[enum.Enum] = list(sql_type.enum_class)
        for member in members:
            if text == str(member.value) or text == member.name:
                return member
    raise ValueError(f"{shorten(text)} is not one of {', '.join(enum_choices(field))}")


Coercer = Callable[[str, ResolvedField], Any]


def coercer_for(field: ResolvedField) -> Coercer | None:
    """The coercion for ``field``'s type, or None when filtering on it is not supported."""
    if isinstance(field.base_type, Enum):
        return _enum
    python_type = field.python_type
    if python_type is None:
        return None
    if issubclass(python_type, bool):
        return _bool
    if issubclass(python_type, datetime):
        return _datetime
    for kind, function in _BY_TYPE:
        if issubclass(python_type, kind):
            return function
    return None


_BY_TYPE: tuple[tuple[type[Any], Coercer], ...] = (
    (int, _integer),
    (float, _float),
    (Decimal, _decimal),
    (date, _date),
    (uuid.UUID, _uuid),
    (str, _string),
)
