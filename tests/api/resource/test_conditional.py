"""Conditional requests on resource routes, on SQLite and PostgreSQL: ETags, 304, 412."""

from __future__ import annotations

import httpx
from tests.api.resource.conftest import seed

from shipyard.db import Database


async def test_get_answers_304_to_its_etag(client: httpx.AsyncClient) -> None:
    created = await client.post("/harbours", json={"name": "Bergen"})
    item_id = created.json()["id"]
    first = await client.get(f"/harbours/{item_id}")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    again = await client.get(f"/harbours/{item_id}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = await client.get(f"/harbours/{item_id}", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304  # If-None-Match compares weakly
    stale = await client.get(f"/harbours/{item_id}", headers={"If-None-Match": '"old", "older"'})
    assert stale.status_code == 200
    assert stale.json() == first.json()


async def test_a_list_answers_304_until_it_changes(
    client: httpx.AsyncClient, database: Database
) -> None:
    await seed(database, 3)
    first = await client.get("/vessels")
    etag = first.headers["etag"]
    assert (await client.get("/vessels", headers={"If-None-Match": etag})).status_code == 304
    await client.post("/vessels", json={"name": "new"}, headers={"X-Role": "captain"})
    changed = await client.get("/vessels", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    item_id = (await client.post("/harbours", json={"name": "Oslo"})).json()["id"]
    read = await client.get(f"/harbours/{item_id}")
    etag = read.headers["etag"]
    first = await client.patch(
        f"/harbours/{item_id}", json={"name": "Kristiania"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["etag"] != etag
    late = await client.patch(
        f"/harbours/{item_id}", json={"name": "Christiania"}, headers={"If-Match": etag}
    )
    assert late.status_code == 412
    assert late.headers["content-type"].startswith("application/problem+json")
    problem = late.json()
    assert problem["status"] == 412
    assert problem["type"].endswith("precondition-failed")
    assert problem["etag"] == first.headers["etag"]
    assert (await client.get(f"/harbours/{item_id}")).json()["name"] == "Kristiania"
    current = await client.patch(
        f"/harbours/{item_id}",
        json={"name": "Oslo"},
        headers={"If-Match": first.headers["etag"]},
    )
    assert current.status_code == 200


async def test_if_match_compares_strongly_and_accepts_a_star(client: httpx.AsyncClient) -> None:
    item_id = (await client.post("/harbours", json={"name": "Tromso"})).json()["id"]
    etag = (await client.get(f"/harbours/{item_id}")).headers["etag"]
    weak = await client.patch(
        f"/harbours/{item_id}", json={"name": "x"}, headers={"If-Match": f"W/{etag}"}
    )
    assert weak.status_code == 412
    for hostile in ["garbage", '"', ",,,", "W/"]:
        refused = await client.patch(
            f"/harbours/{item_id}", json={"name": "x"}, headers={"If-Match": hostile}
        )
        assert refused.status_code == 412, hostile
    star = await client.patch(
        f"/harbours/{item_id}", json={"name": "Tromsø"}, headers={"If-Match": "*"}
    )
    assert star.status_code == 200


async def test_delete_with_a_stale_if_match_is_412(client: httpx.AsyncClient) -> None:
    item_id = (await client.post("/harbours", json={"name": "Narvik"})).json()["id"]
    etag = (await client.get(f"/harbours/{item_id}")).headers["etag"]
    await client.patch(f"/harbours/{item_id}", json={"name": "Narvik havn"})
    refused = await client.delete(f"/harbours/{item_id}", headers={"If-Match": etag})
    assert refused.status_code == 412
    assert (await client.get(f"/harbours/{item_id}")).status_code == 200
    current = (await client.get(f"/harbours/{item_id}")).headers["etag"]
    deleted = await client.delete(f"/harbours/{item_id}", headers={"If-Match": current})
    assert deleted.status_code == 204
    gone = await client.delete(f"/harbours/{item_id}", headers={"If-Match": current})
    assert gone.status_code == 404
