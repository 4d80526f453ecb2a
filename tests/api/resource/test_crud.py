"""Resource routes on SQLite and PostgreSQL: N+1-free lists, get, create, update, delete."""

from __future__ import annotations

import httpx
import pytest
from tests.api.resource.conftest import seed

from shipyard.api.query import PROBLEM_TYPE as QUERY_PROBLEM
from shipyard.db import Database, assert_max_queries

CAPTAIN = {"X-Role": "captain"}


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert str(body["type"]).endswith(f"/{slug}")
    return body


async def test_listing_fifty_rows_with_relationships_is_n_plus_one_free(
    database: Database, client: httpx.AsyncClient
) -> None:
    await seed(database, 50)
    async with assert_max_queries(4):  # BEGIN, vessels + harbour (join), crew (selectin)
        response = await client.get("/vessels", params={"limit": 50})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 50
    assert items[1] == {
        "id": items[1]["id"],
        "name": "v01",
        "tonnage": 10,
        "harbour": {"id": items[1]["harbour"]["id"], "name": "North"},
        "crew": [{"name": "s1a"}, {"name": "s1b"}],
    }


async def test_list_sorts_filters_and_walks_cursors(
    database: Database, client: httpx.AsyncClient
) -> None:
    await seed(database, 12)
    params = {"sort": "-tonnage", "tonnage__gte": "50", "limit": "3"}
    first = await client.get("/vessels", params=params)
    assert [item["tonnage"] for item in first.json()["items"]] == [110, 90, 80]
    assert 'rel="next"' in first.headers["link"]
    cursor = first.json()["next_cursor"]
    second = await client.get("/vessels", params={**params, "cursor": cursor})
    assert [item["tonnage"] for item in second.json()["items"]] == [70, 60]
    assert second.json()["next_cursor"] is None


async def test_field_selection_shapes_items_and_nests_joined_fields(
    database: Database, client: httpx.AsyncClient
) -> None:
    await seed(database, 3)
    response = await client.get("/vessels", params={"fields": "name,harbour.name", "limit": 2})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == [
        {"name": "v00", "harbour": {"name": "South"}},
        {"name": "v01", "harbour": {"name": "North"}},
    ]


async def test_bad_list_parameters_are_400_problems(client: httpx.AsyncClient) -> None:
    for params in ({"sort": "crew"}, {"fields": "harbour_id"}, {"name__regex": "x"}):
        assert_problem(await client.get("/vessels", params=params), 400, QUERY_PROBLEM.slug)


async def test_get_returns_the_item_or_a_404_problem(
    database: Database, client: httpx.AsyncClient
) -> None:
    await seed(database, 1)
    first = (await client.get("/vessels")).json()["items"][0]
    assert (await client.get(f"/vessels/{first['id']}")).json() == first
    body = assert_problem(await client.get("/vessels/999999"), 404, "not-found")
    assert body["detail"] == "There is no vessel 999999."


async def test_create_answers_201_with_location(client: httpx.AsyncClient) -> None:
    harbour = (await client.post("/harbours", json={"name": "Bay"})).json()
    response = await client.post(
        "/vessels", json={"name": "Fram", "harbour_id": harbour["id"]}, headers=CAPTAIN
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["harbour"] == harbour
    assert created["crew"] == []
    assert response.headers["location"] == f"/vessels/{created['id']}"
    assert (await client.get(response.headers["location"])).json() == created


async def test_create_runs_its_declared_dependencies(client: httpx.AsyncClient) -> None:
    response = await client.post("/vessels", json={"name": "Fram"})
    assert response.status_code == 403
    assert (await client.get("/vessels")).json()["items"] == []


async def test_duplicate_is_a_409_with_a_clear_detail_and_the_session_survives(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/vessels", json={"name": "Fram"}, headers=CAPTAIN)).is_success
    body = assert_problem(
        await client.post("/vessels", json={"name": "Fram"}, headers=CAPTAIN), 409, "conflict"
    )
    assert body["detail"] == "A vessel with this name already exists; choose another name."
    assert "INSERT" not in str(body)
    assert "resource_vessels" not in str(body)
    assert (await client.post("/vessels", json={"name": "Beagle"}, headers=CAPTAIN)).is_success
    names = [item["name"] for item in (await client.get("/vessels")).json()["items"]]
    assert names == ["Beagle", "Fram"]


async def test_unknown_foreign_key_is_a_409(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/vessels", json={"name": "Ghost", "harbour_id": 4242}, headers=CAPTAIN
    )
    body = assert_problem(response, 409, "conflict")
    assert "does not exist" in str(body["detail"])


async def test_update_changes_only_the_fields_sent(
    database: Database, client: httpx.AsyncClient
) -> None:
    await seed(database, 2)
    first, second = (await client.get("/vessels")).json()["items"]
    response = await client.patch(f"/vessels/{first['id']}", json={"tonnage": 7})
    assert response.status_code == 200, response.text
    assert response.json() == {**first, "tonnage": 7}
    cleared = await client.patch(f"/vessels/{first['id']}", json={"tonnage": None})
    assert cleared.json()["tonnage"] is None
    assert (await client.patch(f"/vessels/{first['id']}", json={})).json()["name"] == "v00"
    clash = await client.patch(f"/vessels/{first['id']}", json={"name": second["name"]})
    assert_problem(clash, 409, "conflict")
    assert_problem(await client.patch("/vessels/424242", json={"tonnage": 1}), 404, "not-found")
    assert (await client.get(f"/vessels/{first['id']}")).json()["name"] == "v00"


async def test_delete_answers_204_then_404(database: Database, client: httpx.AsyncClient) -> None:
    await seed(database, 1)
    vessel = (await client.get("/vessels")).json()["items"][0]
    response = await client.delete(f"/vessels/{vessel['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(await client.get(f"/vessels/{vessel['id']}"), 404, "not-found")
    assert_problem(await client.delete(f"/vessels/{vessel['id']}"), 404, "not-found")


async def test_deleting_a_row_still_referenced_is_a_409(
    database: Database, client: httpx.AsyncClient
) -> None:
    await seed(database, 2)
    harbour = (await client.get("/harbours")).json()["items"][0]
    assert_problem(await client.delete(f"/harbours/{harbour['id']}"), 409, "conflict")
    assert (await client.get(f"/harbours/{harbour['id']}")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/vessels/abc",
        "/vessels/2147483648",  # past the Integer key's bound (2**31 - 1)
        "/vessels/9223372036854775808",  # past any integer column
        "/vessels/-2147483649",
        "/vessels/-1",
        "/vessels/0",
        "/vessels/1.5",
        "/vessels/+7",
        "/vessels/%D9%A3",  # an Arabic-Indic digit three: not an ASCII id
    ],
)
async def test_ids_that_cannot_exist_are_404_before_any_query(
    client: httpx.AsyncClient, path: str
) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        async with assert_max_queries(0):
            response = await client.request(method, path, json={"name": "x"}, headers=CAPTAIN)
        body = assert_problem(response, 404, "not-found")
        assert "ids are whole numbers from 1 to 2147483647" in str(body["detail"])


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 41},
        {"name": "Fram", "id": 5},
        {"name": "Fram", "tonnage": "heavy"},
        {"name": "Fram'); DROP TABLE resource_vessels; --"[:40], "extra": 1},
        [],
        "Fram",
    ],
)
async def test_invalid_bodies_are_422(client: httpx.AsyncClient, body: object) -> None:
    assert_problem(await client.post("/vessels", json=body, headers=CAPTAIN), 422, "validation")
    assert (await client.get("/vessels")).json()["items"] == []
