"""Through HTTP: 400 problems for bad cursors and pages, Link headers, totals, offset mode."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.api.pagination.conftest import (
    all_entries,
    client_for,
    expected_ids,
    make_app,
    parse_sort,
)

from shipyard.db import Database, count_queries


def links(response: httpx.Response) -> dict[str, str]:
    """``{rel: url}`` from the ``Link`` header."""
    return {link["rel"]: link["url"] for link in response.links.values()}


async def first_cursor(client: httpx.AsyncClient, sort: str = "-score") -> str:
    page = (await client.get("/entries", params={"sort": sort})).json()
    cursor: str = page["next_cursor"]
    return cursor


def assert_problem(response: httpx.Response, *fragments: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400
    for fragment in fragments:
        assert fragment in body["detail"]


@pytest.mark.parametrize(
    ("cursor", "reason"),
    [
        ("garbage", "not a cursor this API issued"),
        ("abc.def", "altered"),
        ("a.b.c", "not valid base64url"),
        ("🙂.🙂", "not a cursor this API issued"),
        ("' OR 1=1 --.x", "not valid base64url"),
        ("x" * 5000, "longer than"),
    ],
)
async def test_bad_cursors_are_400_problems(
    client: httpx.AsyncClient, cursor: str, reason: str
) -> None:
    response = await client.get("/entries", params={"cursor": cursor})
    assert_problem(response, reason, "start again from the first page")
    assert response.json()["parameter"] == "cursor"


async def test_tampered_and_truncated_cursors_are_400_problems(client: httpx.AsyncClient) -> None:
    cursor = await first_cursor(client)
    flipped = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    for bad in (flipped, cursor[:-1], cursor[: len(cursor) // 2]):
        response = await client.get("/entries", params={"sort": "-score", "cursor": bad})
        assert_problem(response, "cursor")


async def test_cursor_of_another_sort_or_route_is_refused(client: httpx.AsyncClient) -> None:
    cursor = await first_cursor(client, "-score")
    other_sort = await client.get("/entries", params={"sort": "score", "cursor": cursor})
    assert_problem(other_sort, "another sort order or resource")
    other_route = await client.get("/others", params={"sort": "-score", "cursor": cursor})
    assert_problem(other_route, "another sort order or resource")


async def test_cursor_of_another_secret_is_refused(
    client: httpx.AsyncClient, seeded: Database, tmp_path: Path
) -> None:
    cursor = await first_cursor(client)
    async with client_for(make_app(seeded, tmp_path, secret="some other secret")) as other:
        response = await other.get("/entries", params={"sort": "-score", "cursor": cursor})
    assert_problem(response, "altered or was issued by another server")


@pytest.mark.parametrize("limit", [0, -1])
async def test_limit_below_one_is_a_400_problem(client: httpx.AsyncClient, limit: int) -> None:
    response = await client.get("/entries", params={"limit": limit})
    assert_problem(response, "limit must be at least 1")
    assert response.json()["parameter"] == "limit"


async def test_limit_sets_the_page_size(client: httpx.AsyncClient) -> None:
    for limit in (1, 39, 40, 41, 1000):
        page = (await client.get("/entries", params={"limit": limit})).json()
        assert len(page["items"]) == min(limit, 40)
        assert page["limit"] == limit
        assert (page["next_cursor"] is None) == (limit >= 40)


async def test_link_header_has_next_prev_first_keeping_other_params(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/entries?sort=-rank%2Cname&limit=2&flag=a+b&flag=c")
    first_links = links(first)
    assert set(first_links) == {"first", "next"}
    assert (
        first_links["first"]
        == "http://testserver/entries?sort=-rank%2Cname&limit=2&flag=a+b&flag=c"
    )
    second = await client.get(first_links["next"])
    assert second.status_code == 200
    assert second.json()["items"] != first.json()["items"]
    second_links = links(second)
    assert set(second_links) == {"first", "next", "prev"}
    for url in second_links.values():
        request_url = httpx.URL(url)
        assert request_url.scheme == "http"
        assert request_url.params.get_list("flag") == ["a b", "c"]
        assert request_url.params["sort"] == "-rank,name"
    assert httpx.URL(second_links["next"]).params["cursor"] == second.json()["next_cursor"]
    back = await client.get(second_links["prev"])
    assert back.json()["items"] == first.json()["items"]


async def test_link_header_on_the_last_page_has_no_next(client: httpx.AsyncClient) -> None:
    response = await client.get("/entries", params={"limit": 100})
    assert set(links(response)) == {"first"}


async def test_total_is_counted_only_on_request(
    client: httpx.AsyncClient, seeded: Database
) -> None:
    with count_queries() as plain:
        page = (await client.get("/entries")).json()
    assert page["total"] is None
    with count_queries() as counted:
        page = (await client.get("/entries", params={"total": "true"})).json()
    assert page["total"] == len(await all_entries(seeded)) == 40
    assert counted.count == plain.count + 1
    assert "count(" in counted.statements[-1].lower()


async def test_offset_pages(client: httpx.AsyncClient, seeded: Database) -> None:
    expected = expected_ids(await all_entries(seeded), parse_sort("-score"))
    response = await client.get("/entries", params={"sort": "-score", "limit": 5, "offset": 10})
    page = response.json()
    assert page["items"] == expected[10:15]
    assert page["offset"] == 10
    assert page["next_cursor"] is None
    assert page["prev_cursor"] is None
    rels = links(response)
    assert httpx.URL(rels["next"]).params["offset"] == "15"
    assert httpx.URL(rels["prev"]).params["offset"] == "5"
    assert "offset" not in httpx.URL(rels["first"]).params
    first = await client.get("/entries", params={"sort": "-score", "limit": 5, "offset": 0})
    assert set(links(first)) == {"first", "next"}
    last = await client.get("/entries", params={"sort": "-score", "limit": 5, "offset": 38})
    assert last.json()["items"] == expected[38:]
    assert set(links(last)) == {"first", "prev"}


async def test_offset_total(client: httpx.AsyncClient) -> None:
    page = (await client.get("/entries", params={"offset": 3, "total": "true"})).json()
    assert page["total"] == 40


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"offset": 10001}, "above the maximum of 10000"),
        ({"offset": -1}, "offset must be 0 or more"),
        ({"offset": 0, "cursor": "x"}, "either cursor= or offset="),
    ],
)
async def test_bad_offsets_are_400_problems(
    client: httpx.AsyncClient, params: dict[str, str | int], fragment: str
) -> None:
    response = await client.get("/entries", params=params)
    assert_problem(response, fragment)
    assert response.json()["parameter"] == "offset"


async def test_offset_can_be_switched_off(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/small", params={"offset": 3}), "does not support offset")
    assert (await client.get("/small")).status_code == 200
