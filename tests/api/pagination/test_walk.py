"""Walking every page forwards and backwards, with ties, NULLs and mixed directions."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.pagination.conftest import (
    all_entries,
    client_for,
    expected_ids,
    insert,
    make_app,
    parse_sort,
    random_entry,
)

from shipyard.db import Database

SORTS = [
    "",
    "rank",
    "-rank",
    "score",
    "-score",
    "name,-score",
    "-rank,score,-name",
    "seen",
    "-seen,rank",
    "day,-price",
    "-ratio,ref",
    "colour,-day",
    "-ref,-colour,-seen",
]


async def walk(
    client: httpx.AsyncClient, params: dict[str, Any], *, backwards_from: str | None = None
) -> tuple[list[int], list[dict[str, Any]]]:
    """All ids in page order, following next (or prev) cursors; also every page body."""
    ids: list[int] = []
    pages: list[dict[str, Any]] = []
    cursor = backwards_from
    rel = "prev_cursor" if backwards_from else "next_cursor"
    for _ in range(200):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/entries", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        ids = ids + page["items"] if not backwards_from else page["items"] + ids
        cursor = page[rel]
        if cursor is None:
            return ids, pages
    raise AssertionError("pagination never ended")


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("limit", [1, 4, 7])
async def test_walks_every_page_forwards_and_backwards(
    client: httpx.AsyncClient, seeded: Database, sort: str, limit: int
) -> None:
    expected = expected_ids(await all_entries(seeded), parse_sort(sort))
    forward, pages = await walk(client, {"sort": sort, "limit": limit})
    assert forward == expected
    assert all(len(page["items"]) == limit for page in pages[:-1])
    assert pages[0]["prev_cursor"] is None
    assert pages[-1]["next_cursor"] is None
    assert pages[-1]["items"]

    # from the last page, the prev cursors lead back to the start, page by page
    last_prev = pages[-1]["prev_cursor"]
    backward, back_pages = await walk(
        client, {"sort": sort, "limit": limit}, backwards_from=last_prev
    )
    assert backward + pages[-1]["items"] == expected
    assert [page["items"] for page in reversed(back_pages)] == [p["items"] for p in pages[:-1]]


@pytest.mark.parametrize("sort", ["rank", "-score,name", "-seen,day"])
async def test_walk_skips_and_repeats_nothing_while_rows_are_inserted(
    seeded: Database, tmp_path: Path, sort: str
) -> None:
    start = await all_entries(seeded)
    rng = random.Random(sort)
    seen: list[int] = []
    cursor: str | None = None
    async with client_for(make_app(seeded, tmp_path)) as client:
        while True:
            params: dict[str, str | int] = {"sort": sort, "limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get("/entries", params=params)).json()
            seen += page["items"]
            # new rows land everywhere: before, at and after the current position
            await insert(seeded, [random_entry(rng) for _ in range(2)])
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert len(seen) == len(set(seen)), "a row was returned twice"
    assert {entry.id for entry in start} <= set(seen), "a row that existed was skipped"
    # what came back is in sort order as the table now stands
    final = expected_ids(await all_entries(seeded), parse_sort(sort))
    assert seen == [entry_id for entry_id in final if entry_id in set(seen)]


async def test_walk_backwards_while_rows_are_inserted(seeded: Database, tmp_path: Path) -> None:
    start = {entry.id for entry in await all_entries(seeded)}
    rng = random.Random(8)
    async with client_for(make_app(seeded, tmp_path)) as client:
        _, pages = await walk(client, {"sort": "-score,rank", "limit": 5})
        seen: list[int] = list(pages[-1]["items"])
        cursor = pages[-1]["prev_cursor"]
        while cursor:
            await insert(seeded, [random_entry(rng) for _ in range(3)])
            params = {"sort": "-score,rank", "limit": 5, "cursor": cursor}
            page = (await client.get("/entries", params=params)).json()
            seen = page["items"] + seen
            cursor = page["prev_cursor"]
    assert len(seen) == len(set(seen))
    assert start <= set(seen)


async def test_empty_table_gives_one_empty_page(database: Database, tmp_path: Path) -> None:
    async with client_for(make_app(database, tmp_path)) as client:
        page = (await client.get("/entries")).json()
    assert page == {
        "items": [],
        "next_cursor": None,
        "prev_cursor": None,
        "total": None,
        "limit": 3,
        "offset": None,
    }


async def test_page_past_deleted_rows_still_links_back(seeded: Database, tmp_path: Path) -> None:
    async with client_for(make_app(seeded, tmp_path)) as client:
        _, pages = await walk(client, {"limit": 10})
        cursor = pages[-2]["next_cursor"]
        async with seeded.sessionmaker() as session, session.begin():
            for entry in await all_entries(seeded):
                if entry.id > pages[-2]["items"][-1]:
                    await session.delete(await session.merge(entry))
        page = (await client.get("/entries", params={"limit": 10, "cursor": cursor})).json()
        assert page["items"] == []
        assert page["next_cursor"] is None
        back = await client.get("/entries", params={"limit": 10, "cursor": page["prev_cursor"]})
        assert back.json()["items"] == pages[-2]["items"]


async def test_items_validated_into_a_model(client: httpx.AsyncClient, seeded: Database) -> None:
    entries = sorted(await all_entries(seeded), key=lambda e: (e.name, -e.id), reverse=True)
    first = (await client.get("/entries/full", params={"limit": 5})).json()
    assert first["items"] == [{"id": e.id, "name": e.name} for e in entries[:5]]
    assert "links" not in first
    second = (await client.get("/entries/full", params={"cursor": first["next_cursor"]})).json()
    assert [item["id"] for item in second["items"]] == [e.id for e in entries[5:8]]
