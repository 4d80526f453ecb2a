"""A clear, safe ``detail`` for a 409 from the ``IntegrityError`` a write raised.

The database message (with the driver's detail line) is read (SQLite: ``UNIQUE constraint
failed: ships.name``; PostgreSQL: ``Key (name)=(Fram) already exists``) only to name the
column(s) involved, never echoed, so no SQL or values leak into the response.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.,\s]+)")
_POSTGRES_KEY = re.compile(r"Key \(([\w\s,\"]+)\)=")


def _unique_columns(message: str) -> list[str]:
    found = _SQLITE_UNIQUE.search(message)
    if found:
        return [part.strip().rpartition(".")[2] for part in found.group(1).split(",")]
    found = _POSTGRES_KEY.search(message)
    if found and "already exists" in message:
        return [part.strip().strip('"') for part in found.group(1).split(",")]
    return []


def _driver_message(error: IntegrityError) -> str:
    """The driver's message plus its detail line (asyncpg and psycopg keep it apart)."""
    orig = error.orig
    details = [
        getattr(getattr(orig, "__cause__", None), "detail", None),
        getattr(getattr(orig, "diag", None), "message_detail", None),
    ]
    return " ".join([str(orig), *(item for item in details if isinstance(item, str))])


def conflict_detail(error: IntegrityError, label: str) -> str:
    """The 409 ``detail`` for ``error`` raised while writing a ``label`` (e.g. "ship")."""
    message = _driver_message(error)
    columns = _unique_columns(message)
    if columns:
        names = " and ".join(columns)
        return f"A {label} with this {names} already exists; choose another {names}."
    if "FOREIGN KEY" in message.upper():
        return f"The {label} refers to something that does not exist (or is still in use)."
    return f"The {label} conflicts with existing data (a database constraint refused it)."
