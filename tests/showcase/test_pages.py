"""The showcase's HTML pages and health check, served by the real app."""

from __future__ import annotations

import re

import httpx
import pytest
from httpx import AsyncClient

from .conftest import Showcase


async def test_home_lists_capabilities_with_their_status(client: AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    rows = re.findall(
        r"<tr>\s*<td>(?:<a [^>]*>)?([^<]+).*?status-(\w+)", response.text, flags=re.DOTALL
    )
    statuses = dict(rows)
    assert statuses["Platform"] == "available"
    assert statuses["Jobs"] == "available"
    assert statuses["Generators"] == "available"
    assert statuses["Deployment"] == "available"
    assert statuses["Policies"] == "available"
    assert 'href="/ports"' in response.text
    assert '<strong id="ship-count">0</strong>' in response.text


async def test_home_counts_the_ships(client: AsyncClient, api: AsyncClient) -> None:
    for name in ("Fram", "Beagle"):
        assert (await api.post("/api/ships", json={"name": name})).status_code == 201

    response = await client.get("/")

    assert '<strong id="ship-count">2</strong>' in response.text


async def test_settings_page_shows_the_effective_profile(client: AsyncClient) -> None:
    response = await client.get("/settings")

    assert response.status_code == 200
    assert '<strong id="profile">test</strong>' in response.text
    assert "Shipyard showcase" in response.text


async def test_settings_page_masks_the_database_password(
    showcase: Showcase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "SHIPYARD_DATABASE__URL", "postgresql+asyncpg://ship:hunter2@127.0.0.1:1/fleet"
    )
    app = showcase.create_app(profile="test")

    async with app.router.lifespan_context(app):  # the page itself runs no query
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/settings")

    assert response.status_code == 200
    assert "postgresql+asyncpg://ship:***@127.0.0.1:1/fleet" in response.text
    assert "hunter2" not in response.text


async def test_health_reports_the_test_profile(client: AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "app": "Shipyard showcase", "profile": "test"}


async def test_unknown_page_is_404(client: AsyncClient) -> None:
    assert (await client.get("/no-such-page")).status_code == 404
