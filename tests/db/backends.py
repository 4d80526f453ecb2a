"""Fixtures made once per database backend: SQLite, and PostgreSQL marked ``postgres``.

``BACKENDS`` is such a fixture's ``params``; :func:`backend_url` its URL, the PostgreSQL
one from the ``postgres_database_url`` fixture of ``tests.db.conftest``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""``params`` of a fixture made once per database backend."""


def backend_url(request: pytest.FixtureRequest, sqlite_file: Path) -> str:
    """The URL for a ``BACKENDS`` fixture: ``sqlite_file``, or the session's PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{sqlite_file}"
    url: str = request.getfixturevalue("postgres_database_url")
    return url
