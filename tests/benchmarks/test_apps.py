"""Every benchmark app serves the same JSON body, so the figures compare like with like."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from benchmarks.apps import FACTORIES, PATH, PAYLOAD


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=FACTORIES.keys())
async def test_app_returns_the_shared_payload(factory: Callable[[], Any]) -> None:
    transport = httpx.ASGITransport(app=factory())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        response = await client.get(PATH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == PAYLOAD


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=FACTORIES.keys())
async def test_app_has_no_other_route(factory: Callable[[], Any]) -> None:
    transport = httpx.ASGITransport(app=factory())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        response = await client.get(PATH + "/missing")
    assert response.status_code == 404


async def test_shipyard_app_is_not_rate_limited_by_the_load() -> None:
    app = FACTORIES["shipyard"]()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            statuses = {(await client.get(PATH)).status_code for _ in range(80)}
    assert statuses == {200}
