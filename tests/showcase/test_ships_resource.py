"""The showcase's ships API as a versioned ``Resource``: shaping, paging, versions, auth.

Version 1 (the default) keeps the original JSON array; version 2 answers a page object
and adds ``updated_at``. Changing and deleting need ``ships:update`` / ``ships:delete``.
"""

from __future__ import annotations

import re

from httpx import AsyncClient

from shipyard.app import App

from .accounts import access_token, add_user

V2 = {"Accept": "application/vnd.shipyard.v2+json"}
NAMES = ("Fram", "Beagle", "Kon-Tiki", "Endeavour", "Nautilus")


async def _fleet(api: AsyncClient) -> list[dict[str, object]]:
    return [(await api.post("/api/ships", json={"name": name})).json() for name in NAMES]


async def test_v1_is_the_default_and_keeps_its_array_shape(api: AsyncClient) -> None:
    created = await _fleet(api)
    response = await api.get("/api/ships")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["content-type"] == "application/vnd.shipyard.v1+json"
    assert "Accept" in response.headers["vary"]


async def test_v1_sorts_filters_selects_and_pages_through_link_headers(
    api: AsyncClient,
) -> None:
    await _fleet(api)
    first = await api.get(
        "/api/ships", params={"sort": "-name", "name__icontains": "A", "fields": "name", "limit": 2}
    )
    assert first.json() == [{"name": "Nautilus"}, {"name": "Fram"}]
    second = await api.get(first.links["next"]["url"])
    assert second.json() == [{"name": "Endeavour"}, {"name": "Beagle"}]
    assert "next" not in second.links
    assert (await api.get(second.links["prev"]["url"])).json() == first.json()


async def test_v2_answers_a_page_with_updated_at(api: AsyncClient) -> None:
    await _fleet(api)
    response = await api.get("/api/ships", params={"limit": 3, "total": "true"}, headers=V2)
    assert response.headers["content-type"] == "application/vnd.shipyard.v2+json"
    page = response.json()
    assert [ship["name"] for ship in page["items"]] == ["Fram", "Beagle", "Kon-Tiki"]
    assert set(page["items"][0]) == {"id", "name", "created_at", "updated_at"}
    assert page["total"] == 5
    rest = await api.get("/api/ships", params={"cursor": page["next_cursor"]}, headers=V2)
    assert [ship["name"] for ship in rest.json()["items"]] == ["Endeavour", "Nautilus"]


async def test_v1_cannot_sort_by_the_v2_field_and_bad_queries_are_400(api: AsyncClient) -> None:
    assert (await api.get("/api/ships", params={"sort": "updated_at"})).status_code == 400
    assert (await api.get("/api/ships", params={"sort": "updated_at"}, headers=V2)).is_success
    response = await api.get("/api/ships", params={"name__like": "%"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_version_is_406(client: AsyncClient) -> None:
    response = await client.get(
        "/api/ships", headers={"Accept": "application/vnd.shipyard.v9+json"}
    )
    assert response.status_code == 406
    assert response.json()["supported"] == ["1", "2"]


async def test_get_patch_delete_in_both_versions(api: AsyncClient) -> None:
    ship = (await api.post("/api/ships", json={"name": "Fram"}, headers=V2)).json()
    assert set(ship) == {"id", "name", "created_at", "updated_at"}
    url = f"/api/ships/{ship['id']}"
    assert (await api.get(url)).json() == {k: ship[k] for k in ("id", "name", "created_at")}
    changed = await api.patch(url, json={"name": "Gjøa"}, headers=V2)
    assert changed.json()["name"] == "Gjøa"
    assert changed.json()["updated_at"] >= ship["updated_at"]
    assert (await api.delete(url)).status_code == 204
    missing = await api.get(url, headers=V2)
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"There is no ship {ship['id']}."


async def test_changing_and_deleting_need_their_permissions(
    started_app: App, api: AsyncClient, client: AsyncClient
) -> None:
    ship = (await api.post("/api/ships", json={"name": "Fram"})).json()
    url = f"/api/ships/{ship['id']}"
    assert (await client.patch(url, json={"name": "X"})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    await add_user(started_app, "creator@example.test", permissions=["ships:create"])
    bearer = {"Authorization": f"Bearer {await access_token(client, 'creator@example.test')}"}
    assert (await client.patch(url, json={"name": "X"}, headers=bearer)).status_code == 403
    assert (await client.delete(url, headers=bearer)).status_code == 403
    assert (await client.get(url)).json()["name"] == "Fram"


async def test_per_version_openapi_and_the_cookbook(client: AsyncClient) -> None:
    v1 = (await client.get("/openapi/v1.json")).json()
    v2 = (await client.get("/openapi/v2.json")).json()
    assert set(v1["paths"]) == set(v2["paths"]) == {"/api/ships", "/api/ships/{id}"}
    v2_list = v2["paths"]["/api/ships"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.shipyard.v2+json" in v2_list
    page = await client.get("/api/cookbook")
    assert page.status_code == 200
    assert "/api/ships/{id}" in page.text
    assert "application/vnd.shipyard.v1+json" in page.text


async def test_home_marks_versioned_apis_available_and_links_the_cookbook(
    client: AsyncClient,
) -> None:
    html = (await client.get("/")).text
    assert re.search(r'<a href="/#apis">Versioned JSON APIs</a>.*?status-available', html, re.S)
    assert 'href="/api/cookbook"' in html
