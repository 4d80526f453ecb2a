"""The listing as a FastAPI dependency: responses, problem documents, hostile input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.api.query.models import ITEMS
from tests.api.query.routes import items
from tests.api.query.test_sorting import expected_order

from shipyard.api.query import PROBLEM_TYPE
from shipyard.db import Database, count_queries


async def test_default_listing_returns_every_selectable_field_nested(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/items", params={"sort": "id", "limit": "1"})

    assert response.status_code == 200
    [first] = response.json()
    assert first["id"] == 1
    assert first["author"] == {"name": "Le Guin", "publisher": {"name": "Orbit"}}
    assert first["price"] in {"9.99", 9.99}
    assert first["at"].startswith("2024-05-01T09:00:00")


async def test_field_selection_shapes_the_response(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/items", params={"fields": "id,author.publisher.name", "sort": "id"}
    )

    assert response.status_code == 200
    assert response.json() == [
        {"id": 1, "author": {"publisher": {"name": "Orbit"}}},
        {"id": 2, "author": {"publisher": {"name": "Tor"}}},
        {"id": 3, "author": None},
        {"id": 4, "author": {"publisher": None}},
        {"id": 5, "author": {"publisher": {"name": "Orbit"}}},
        {"id": 6, "author": {"publisher": {"name": "Tor"}}},
    ]


async def test_field_selection_narrows_the_select_and_lists_in_one_query(
    client: httpx.AsyncClient, database: Database
) -> None:
    with count_queries(database.engine) as counter:
        response = await client.get("/items", params={"fields": "title", "sort": "-count"})

    assert response.status_code == 200
    assert next(row["title"] for row in response.json()) == "snake_case"
    [statement] = counter.statements
    selected = statement.split("FROM")[0]
    assert "query_test_items.title" in selected
    assert "query_test_items.count" in selected
    assert "query_test_items.price" not in selected


async def test_listing_with_relationships_is_one_query(
    client: httpx.AsyncClient, database: Database
) -> None:
    with count_queries(database.engine) as counter:
        response = await client.get("/items", params={"limit": "50"})

    assert len(response.json()) == len(ITEMS)
    assert counter.count == 1


async def test_filters_sort_and_search_through_http(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/items",
        params={
            "q": "DISPOSS",
            "sort": "-at",
            "fields": "id",
            "at__gte": "2024-05-01T00:00:00+00:00",
        },
    )

    assert response.json() == [{"id": 5}, {"id": 1}]


async def test_invalid_query_is_a_problem_document_listing_what_is_allowed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/items", params={"sort": "price,nope", "count__like": "1"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/" + PROBLEM_TYPE.slug
    assert body["title"] == "Invalid list query"
    sort_error, filter_error = body["errors"]
    assert sort_error["field"] == "sort"
    assert sort_error["allowed"] == list(items.sortable)
    assert filter_error["field"] == "count__like"
    assert "count__between" in filter_error["allowed"]


HOSTILE: list[dict[str, str]] = [
    {"sort": "id;delete from query_test_items"},
    {"sort": "id desc; DROP TABLE query_test_items; --"},
    {"sort": "(select 1)"},
    {"sort": "--id"},
    {"sort": "-" * 5000},
    {"fields": "id,(select password from users)"},
    {"fields": "*"},
    {"title__eq;drop": "x"},
    {"count__eq": "1 OR 1=1"},
    {"count__in": "1) OR (1=1"},
    {"at__gt": "2024-01-01'; DROP TABLE query_test_items; --"},
    {"名前__eq": "x"},
    {"title__ünicode": "x"},
    {"limit__eq": "100000"},
    {"limit": "100000"},
    {"limit": "1; DROP TABLE query_test_items"},
    {"offset": "1 OR 1=1"},
    {"cursor": "x" * 5000},
    {"q": "q" * 5000},
    {"title__eq": "t" * 20_000},
    {"big__eq": "9" * 5000},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: str(p)[:40])
async def test_hostile_input_is_a_clean_400_and_changes_nothing(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/items", params=params)

    assert response.status_code == 400, response.text
    assert response.json()["errors"]
    assert len(response.text) < 5000
    assert len((await client.get("/items", params={"limit": "50"})).json()) == len(ITEMS)


@pytest.mark.parametrize(
    "params",
    [
        {"title__eq": "'; DROP TABLE query_test_items; --"},
        {"title__icontains": "%' OR '1'='1"},
        {"q": "'; DROP TABLE query_test_items; --"},
        {"author.name__in": "x'),('y"},
        {"word__startswith": "\u202e\u0000"[:1] + "ünï©ødé 🚢"},
        {"title__contains": "\\"},
    ],
)
async def test_sql_in_valid_parameters_is_only_data(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/items", params=params)

    assert response.status_code == 200
    expected: list[Any] = [] if "title__contains" not in params else [ITEMS[5]["title"]]
    assert [row["title"] for row in response.json()] == expected


async def test_openapi_documents_every_parameter(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()

    names = {p["name"] for p in schema["paths"]["/items"]["get"]["parameters"]}

    assert {"sort", "fields", "q", "limit", "cursor", "offset", "total"} <= names
    assert {"count__gte", "author.name__icontains", "author.publisher.name__isnull"} <= names
    assert "author.publisher.name__contains" not in names


async def test_the_dependency_attribute_works_like_the_listing(client: httpx.AsyncClient) -> None:
    response = await client.get("/plain", params={"sort": "-word", "limit": "3", "fields": "id"})

    assert response.json() == {"sort": "-word,id", "limit": 3, "fields": ["id"]}
    assert (await client.get("/plain", params={"limit": "x"})).status_code == 400


async def test_pages_walk_a_relationship_sort_with_selected_fields(
    client: httpx.AsyncClient,
) -> None:
    params = {"sort": "-author.name", "limit": "4", "fields": "id,author.name"}
    first = (await client.get("/paged", params=params)).json()
    second = (await client.get("/paged", params={**params, "cursor": first["next"]})).json()

    walked = [row["id"] for row in first["items"] + second["items"]]
    assert walked == expected_order([("author.name", True)])
    assert first["items"][0] == {"id": 3, "author": None}
    assert second["next"] is None
