"""Fixtures for the testing helpers: the plugin's ``app`` overridden with a test app.

The plugin's own fixtures (``client``, ``db_session``, ``mail_outbox``) are used as a
project would use them, on SQLite and on real PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.db.backends import BACKENDS, backend_url
from tests.db.conftest import postgres_database_url, postgres_databases
from tests.testing.support import make_app

from shipyard import App

__all__ = ["postgres_database_url", "postgres_databases"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, or the throwaway PostgreSQL database."""
    return backend_url(request, tmp_path / "testing.db")


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> App:
    """The test app (overrides the plugin's project app)."""
    return make_app(database_url, tmp_path)
