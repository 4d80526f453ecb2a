"""The ``cache`` benchmark apps answer the same body, the cached ones from their cache
(the query runs once for three requests), the uncached ones from the database every time.
No timing here. The Redis variants need the test Redis server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from benchmarks import cache as bench
from shipyard.testing.services import redis_url, require_port


@pytest.fixture(autouse=True)
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "database_path", lambda: tmp_path / "ships.db")
    monkeypatch.setenv(bench.REDIS_ENV, redis_url())


@pytest.fixture
def queries() -> Iterator[list[str]]:
    """The statements reading the ships table, from every engine in the process."""
    seen: list[str] = []

    def count(*args: object) -> None:
        statement = args[2]
        if (
            isinstance(statement, str)
            and statement.startswith("SELECT")
            and "ORDER BY" in statement
        ):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


@pytest.fixture(params=list(bench.FACTORIES))
async def client(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    name: str = request.param
    if name.endswith("redis"):
        require_port("Redis", "127.0.0.1", 6379)
    app = bench.FACTORIES[name]()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            yield name, http


async def test_each_app_answers_the_heaviest_ships(
    client: tuple[str, httpx.AsyncClient], queries: list[str]
) -> None:
    name, http = client
    for _ in range(3):
        response = await http.get(bench.PATH)
        assert response.status_code == 200, response.text
        assert response.json() == bench.expected_body()
    assert len(queries) == (3 if name.endswith("uncached") else 1)


def test_the_runner_knows_the_cache_group() -> None:
    from benchmarks import run

    picked = run.select(run.all_cases("uvicorn", 1), "cache")
    assert {case.framework for case in picked} == set(bench.FACTORIES)
    assert run.GROUPS["cache"][1] in {case.name for case in picked}
    command = run.server_command(picked[0], 8000)
    assert f"benchmarks.cache:{picked[0].framework}_app" in command
