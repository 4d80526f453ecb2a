"""A database whose write lock stays taken answers 503 with Retry-After, never 500.

Another process holds SQLite's write lock longer than ``database.busy_timeout``: the
request that waits for it gets a 503 problem (or page) asking to retry, whether the wait
ran out in a route, in its session's commit or in a middleware. Other database errors are
still 500s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter
from pydantic import SecretStr
from sqlalchemy import text
from starlette.types import ASGIApp, Receive, Scope, Send
from tests.db.concurrency_app import create_table, router

from shipyard import App, Settings
from shipyard.config.models import DatabaseSettings
from shipyard.core.problems import PROBLEM_JSON
from shipyard.db import Database, DbSession, get_database

BUSY_TIMEOUT = 0.2
API = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html"}

broken = APIRouter()


@broken.get("/broken")
async def missing_table(session: DbSession) -> None:
    await session.execute(text("SELECT * FROM no_such_table"))


class WritingMiddleware:
    """Writes before the app runs when asked to (``X-Write: 1``), like a session store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (b"x-write", b"1") in scope["headers"]:
            async with get_database(scope["app"]).engine.begin() as connection:
                await connection.execute(text("UPDATE concurrency_counters SET count = 1"))
        await self.app(scope, receive, send)


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    url = SecretStr(f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}")
    settings = Settings(
        profile="test", database=DatabaseSettings(url=url, busy_timeout=BUSY_TIMEOUT)
    )
    application = App(settings, root=tmp_path)
    application.include_router(router)
    application.include_router(broken)
    application.add_middleware(WritingMiddleware)
    async with application.router.lifespan_context(application):
        async with get_database(application).engine.begin() as connection:
            await connection.run_sync(create_table)
            await connection.execute(text("INSERT INTO concurrency_counters VALUES (0, 0)"))
        yield application


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def lock_held(app: App, tmp_path: Path) -> AsyncIterator[None]:
    """Another connection (as another process would) holds the write lock throughout."""
    other = Database(app.settings.database, tmp_path)
    try:
        async with other.engine.begin() as connection:
            await connection.execute(text("UPDATE concurrency_counters SET count = 99"))
            yield
    finally:
        await other.dispose()


@pytest.mark.usefixtures("lock_held")
@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/counters/0/add", {}),  # the UPDATE waits
        ("POST", "/counters/0/bump", {}),  # the read in BEGIN IMMEDIATE waits
        ("GET", "/counters", {"X-Write": "1"}),  # a middleware's write waits
    ],
)
async def test_a_lock_wait_that_runs_out_is_a_503_problem_with_retry_after(
    client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = await client.request(method, path, headers={**API, **headers})
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"].endswith("/service-unavailable")
    assert body["retry_after"] == 1
    assert "try again" in body["detail"]


@pytest.mark.usefixtures("lock_held")
async def test_browsers_get_a_503_page(client: httpx.AsyncClient) -> None:
    response = await client.post("/counters/0/add", headers=BROWSER)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert "text/html" in response.headers["content-type"]


@pytest.mark.usefixtures("lock_held")
async def test_reads_do_not_wait_for_the_lock(app: App) -> None:
    async with get_database(app).engine.connect() as connection:
        count = (await connection.execute(text("SELECT count FROM concurrency_counters"))).scalar()
    assert count == 0  # the committed state, at once


async def test_other_database_errors_are_still_500(client: httpx.AsyncClient) -> None:
    response = await client.get("/broken", headers=API)
    assert response.status_code == 500
    assert "retry-after" not in response.headers
