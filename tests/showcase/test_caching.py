"""The showcase's caches: the ships API lists and the fleet report fragment, each dropped
when a change to ships commits."""

from __future__ import annotations

import re

from httpx import AsyncClient

from shipyard.cache import get_cache


async def test_the_api_list_is_cached_until_a_ship_is_added(
    client: AsyncClient, api: AsyncClient
) -> None:
    assert (await client.get("/api/ships")).headers["x-cache"] == "miss"
    hit = await client.get("/api/ships")
    assert hit.headers["x-cache"] == "hit"
    assert hit.json() == []
    v2 = await client.get("/api/ships", headers={"Accept": "application/vnd.shipyard.v2+json"})
    assert v2.headers["x-cache"] == "miss"  # each version has its own entry
    assert v2.json()["items"] == []
    assert (await api.post("/api/ships", json={"name": "Fram"})).status_code == 201
    after = await client.get("/api/ships")
    assert after.headers["x-cache"] == "miss"
    assert [ship["name"] for ship in after.json()] == ["Fram"]
    etag = after.headers["etag"]
    assert (await client.get("/api/ships", headers={"If-None-Match": etag})).status_code == 304


async def test_the_fleet_report_is_rendered_once_per_change(
    client: AsyncClient, api: AsyncClient
) -> None:
    def report(html: str) -> str:
        found = re.search(r'<section aria-labelledby="report-title".*?</section>', html, re.S)
        assert found is not None
        return found.group(0)

    fragments = get_cache(client.app, "memory").stats  # type: ignore[attr-defined]
    first = report((await client.get("/ships")).text)
    hits = fragments.hits
    assert report((await client.get("/ships")).text) == first
    assert fragments.hits == hits + 1  # served from the cache, not rendered again
    assert (await api.post("/api/ships", json={"name": "Gjoa"})).status_code == 201
    changed = report((await client.get("/ships")).text)
    assert "<dt>Ships</dt><dd>1</dd>" in changed
    assert "G: 1" in changed


async def test_the_home_page_count_is_a_cached_query_until_a_ship_is_added(
    client: AsyncClient, api: AsyncClient
) -> None:
    def count(html: str) -> str:
        found = re.search(r'<strong id="ship-count">(\d+)</strong>', html)
        assert found is not None
        return found.group(1)

    stats = get_cache(client.app, "memory").stats  # type: ignore[attr-defined]
    assert count((await client.get("/")).text) == "0"
    computed = stats.computations
    assert count((await client.get("/")).text) == "0"
    assert stats.computations == computed  # the second visit read the cached count
    assert (await api.post("/api/ships", json={"name": "Gjoa"})).status_code == 201
    assert count((await client.get("/")).text) == "1"
    assert stats.computations == computed + 1
