"""Row ids in URLs: path parameter types that never reach the database out of range.

``/ships/9223372036854775808`` used to be a 500 (the database cannot hold the number);
with a row id type it is a 404 before any query runs::

    from shipyard import RowId

    @pages.get("/ships/{ship_id}")
    async def ship(ship_id: RowId, session: DbSession) -> Response: ...

A row id is a whole number written in ASCII digits, from 1 up to what the key column
holds: :data:`RowId` for ``Integer`` keys (``IdMixin``'s, 32 bits on PostgreSQL: up to
2147483647), :data:`BigRowId` for ``BigInteger`` keys (up to 9223372036854775807).
Anything else (``-1``, ``0``, ``abc``, ``1.5``, ``+7``, ``٣``, a number past the bound)
names no row, so it answers 404 (the error page for a browser, a ``not-found`` problem
for an API client). The OpenAPI document shows the bounds (``minimum``/``maximum``).
:func:`row_id_for` picks the type of a key column (the API resources use it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BeforeValidator
from sqlalchemy import BigInteger, Integer, SmallInteger
from sqlalchemy.types import TypeEngine

from shipyard.core.problems import NOT_FOUND

ROW_ID_MAX = 2**31 - 1
"""The largest ``Integer`` (``INTEGER``/``int4``) every supported database holds."""
BIG_ROW_ID_MAX = 2**63 - 1
"""The largest ``BigInteger`` (``BIGINT``; SQLite's ``INTEGER`` keys too)."""
SMALL_ROW_ID_MAX = 2**15 - 1
"""The largest ``SmallInteger``."""


class RowIdCheck:
    """Turns a path segment into a row id up to ``maximum``, or answers 404."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum

    def __call__(self, value: Any) -> int:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 20:
            number = int(text)
            if 1 <= number <= self.maximum:
                return number
        # Raised from inside validation on purpose: FastAPI lets it through to the error
        # handlers, so the answer is the app's 404 page or problem, not a 422.
        raise NOT_FOUND.exception(
            f"No row has the id {str(value)[:40]!r}: ids are whole numbers "
            f"from 1 to {self.maximum}."
        )


def _path(maximum: int, description: str | None = None) -> Any:
    return Path(ge=1, le=maximum, description=description or f"A row id, from 1 to {maximum}.")


RowId = Annotated[int, _path(ROW_ID_MAX), BeforeValidator(RowIdCheck(ROW_ID_MAX))]
"""The id of a row with an ``Integer`` key (``IdMixin``): 1 to 2147483647, else 404."""

BigRowId = Annotated[int, _path(BIG_ROW_ID_MAX), BeforeValidator(RowIdCheck(BIG_ROW_ID_MAX))]
"""The id of a row with a ``BigInteger`` key: 1 to 9223372036854775807, else 404."""


def row_id_for(column_type: TypeEngine[Any], *, description: str | None = None) -> Any:
    """The row id type for a key column of ``column_type`` (None if not an integer).

    ``description`` replaces the one the OpenAPI document shows for the parameter.
    """
    for kind, maximum in (
        (SmallInteger, SMALL_ROW_ID_MAX),
        (BigInteger, BIG_ROW_ID_MAX),
        (Integer, ROW_ID_MAX),
    ):
        if isinstance(column_type, kind):
            path = _path(maximum, description)
            return Annotated[int, path, BeforeValidator(RowIdCheck(maximum))]
    return None
