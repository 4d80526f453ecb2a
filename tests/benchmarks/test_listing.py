"""The ``pagination`` benchmark apps return the same pages (no timing here).

Both apps run against a tiny copy of the benchmark table in a throwaway PostgreSQL
database; without PostgreSQL the tests skip (or fail when services are required).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url

from benchmarks import listing, pagination_db
from shipyard.testing.services import port_open, postgres_url, unavailable

pytestmark = pytest.mark.postgres

ROWS = 100


@pytest.fixture(scope="module")
def tiny_database() -> Iterator[str]:
    """A throwaway database holding ``ROWS`` benchmark rows; dropped afterwards."""
    admin = make_url(postgres_url())
    if not port_open(admin.host or "127.0.0.1", admin.port or 5432):
        unavailable(f"PostgreSQL is not reachable at {admin.host}:{admin.port}")
    name = f"shipyard_test_{uuid.uuid4().hex[:12]}"
    url = asyncio.run(pagination_db.prepare(ROWS, name))
    try:
        yield url
    finally:
        asyncio.run(pagination_db.drop(name))


@pytest.fixture
async def clients(
    tiny_database: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """An ASGI client per app (lifespan run), both on the tiny database."""
    monkeypatch.setenv(pagination_db.URL_ENV, tiny_database)
    opened: dict[str, httpx.AsyncClient] = {}
    apps = {name: factory() for name, factory in listing.FACTORIES.items()}
    contexts = [app.router.lifespan_context(app) for app in apps.values()]
    for context in contexts:
        await context.__aenter__()
    try:
        for name, app in apps.items():
            transport = httpx.ASGITransport(app=app)
            opened[name] = httpx.AsyncClient(transport=transport, base_url="http://bench")
        yield opened
    finally:
        for client in opened.values():
            await client.aclose()
        for context in reversed(contexts):
            await context.__aexit__(None, None, None)


async def _walk(client: httpx.AsyncClient, query: str) -> list[list[dict[str, Any]]]:
    """Every page of ``query``, following ``next_cursor``."""
    pages: list[list[dict[str, Any]]] = []
    params = httpx.QueryParams(query)
    while True:
        response = await client.get(listing.PATH, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        if not body["next_cursor"]:
            return pages
        params = params.set("cursor", body["next_cursor"])


async def test_benchmark_query_gives_a_full_page(clients: dict[str, httpx.AsyncClient]) -> None:
    for name, client in clients.items():
        response = await client.get(f"{listing.PATH}?{listing.QUERY}")
        assert listing.items_problem(response) is None, name


@pytest.mark.parametrize(
    "query",
    [
        listing.QUERY,
        "sort=created_at&score__gte=90&fields=id,title,score&limit=7",
        "sort=-created_at&fields=id,created_at&limit=30",
    ],
)
async def test_apps_return_the_same_pages(
    clients: dict[str, httpx.AsyncClient], query: str
) -> None:
    walks = {name: await _walk(client, query) for name, client in clients.items()}
    assert walks["shipyard"] == walks["fastapi"]
    ids = [item["id"] for page in walks["shipyard"] for item in page]
    assert len(ids) == len(set(ids)) > 0


async def test_bad_field_is_refused_by_both(clients: dict[str, httpx.AsyncClient]) -> None:
    for name, client in clients.items():
        response = await client.get(listing.PATH, params={"fields": "id,password"})
        assert response.status_code == 400, name
