"""Durability fixtures: one job store per backend, and a report shown after the run.

``store`` gives an empty job store on SQLite (a file under tmp_path), PostgreSQL (a
throwaway database) or Redis (a test-unique key prefix), with the environment the worker
processes need to reach it; everything is dropped or deleted afterwards. A missing
server skips the case, or fails it under ``SHIPYARD_REQUIRE_SERVICES``.

Each run's summary line is recorded as a test property and printed in a ``durability``
section of the terminal summary, so it shows in CI output without ``-s``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlparse

import pytest
from tests.db.conftest import postgres_databases
from tests.jobs.durability.stores import Store, database_store, redis_store

from shipyard.testing.services import redis_url, require_port

__all__ = ["postgres_databases"]

REPORT = pytest.StashKey[list[str]]()
Report = Callable[[str], None]


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("redis", marks=pytest.mark.redis),
    ]
)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """Each backend's name and URL (a fresh SQLite file or PostgreSQL database, or Redis)."""
    name: str = request.param
    if name == "sqlite":
        return name, f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}"
    if name == "postgres":
        return name, request.getfixturevalue("postgres_databases")()
    parsed = urlparse(redis_url())
    require_port("Redis", parsed.hostname or "127.0.0.1", parsed.port or 6379)
    return name, redis_url()


@pytest.fixture
async def store(location: tuple[str, str], tmp_path: Path) -> AsyncIterator[Store]:
    """An empty job store at ``location``; dropped (table) or deleted (keys) afterwards."""
    name, url = location
    opened = redis_store(url) if name == "redis" else database_store(name, url, tmp_path)
    async with opened as made:
        made.env["DURABILITY_ROOT"] = str(tmp_path)
        yield made


@pytest.fixture
def durability_report(
    request: pytest.FixtureRequest, record_property: Callable[[str, object], None]
) -> Report:
    """Records a summary line: a test property and a line of the terminal summary."""

    def report(line: str) -> None:
        print(line)
        record_property("durability", line)
        request.config.stash.setdefault(REPORT, []).append(line)

    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print every durability summary line after the run (with or without ``-s``)."""
    lines = config.stash.get(REPORT, [])
    if lines:
        terminalreporter.section("durability")
        for line in lines:
            terminalreporter.write_line(line)
