"""Auth test fixtures: an App with AuthExtension on SQLite and on real PostgreSQL.

``auth`` is an :class:`AuthHarness`: a started TestClient plus helpers that reach the
database on the app's own event loop (``harness.run``), the memory mail outbox and the
CSRF token of the current page. Argon2 runs with tiny parameters to keep tests fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.auth.support import AuthHarness, make_auth_app
from tests.db.backends import BACKENDS, backend_url
from tests.db.conftest import postgres_database_url, postgres_databases

from shipyard import App

__all__ = ["postgres_database_url", "postgres_databases"]

FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for each backend: a SQLite file, or the throwaway PostgreSQL one."""
    return backend_url(request, tmp_path / "auth.db")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """For tests of behaviour that does not depend on the database backend."""
    return f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}"


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[Callable[..., AuthHarness]]:
    """Builds started harnesses; ``auth=`` overrides settings of the auth section."""
    opened: list[AuthHarness] = []

    def factory(url: str, auth: dict[str, Any] | None = None, **sections: Any) -> AuthHarness:
        app: App = make_auth_app(url, tmp_path, {**FAST_ARGON2, **(auth or {})}, **sections)
        harness = AuthHarness.start(app)
        opened.append(harness)
        return harness

    yield factory
    for harness in opened:
        harness.close()


@pytest.fixture
def auth(make_harness: Callable[..., AuthHarness], database_url: str) -> AuthHarness:
    """A started harness on each database backend."""
    return make_harness(database_url)


@pytest.fixture
def lite(make_harness: Callable[..., AuthHarness], sqlite_url: str) -> AuthHarness:
    """A started harness on SQLite only."""
    return make_harness(sqlite_url)
