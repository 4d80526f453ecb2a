"""What reaches SQLite: every statement the loop driver hands to ``sqlite3``, recorded.

Statements run through SQLAlchemy and the direct reads of ``shipyard.db.direct`` (which
fire no SQLAlchemy events) both pass there, so tests that count a request's statements
count them here.
"""

from __future__ import annotations

from typing import Any

import pytest

from shipyard.db import sqlite_driver


def record_sqlite_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Start recording; the list fills with each statement's SQL, whitespace collapsed."""
    seen: list[str] = []
    run = sqlite_driver._run

    def record(connection: Any, operation: str, parameters: Any, many: bool) -> Any:
        seen.append(" ".join(operation.split()))
        return run(connection, operation, parameters, many)

    monkeypatch.setattr(sqlite_driver, "_run", record)
    return seen
