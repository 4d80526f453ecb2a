"""With a real ``Listing``: relationship sorts through joins, limit bounds, projected items."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, Request, Response
from pydantic import SecretStr
from sqlalchemy import select
from tests.api.pagination.conftest import client_for
from tests.db.models import Author, Book

from shipyard import App, Settings
from shipyard.api.pagination import paginate
from shipyard.api.query import Listing, ListQuery
from shipyard.config.models import AppSettings
from shipyard.db import DATABASE, Database, DbSession

books = Listing(
    Book,
    sortable=["title", "author.name", "id"],
    selectable=["id", "title", "author.name"],
    joins=["author"],
    default_sort=["title"],
    max_limit=7,
    default_limit=3,
)
BookQuery = Annotated[ListQuery, Depends(books.dependency)]


@pytest.fixture
async def client(database: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with database.sessionmaker() as session, session.begin():
        authors = [Author(name=name) for name in ("Le Guin", "Banks", "Jemisin", "Okorafor")]
        session.add_all(authors)
        for index in range(22):
            author = authors[index % 3 if index % 5 else 3]
            session.add(Book(title=f"Book {index % 6}", author=author))
    settings = Settings(profile="test", app=AppSettings(secret_key=SecretStr("listing-secret")))
    app = App(settings=settings, root=tmp_path)
    DATABASE.provide(app, database)

    @app.get("/books")
    async def list_books(
        request: Request, response: Response, session: DbSession, query: BookQuery
    ) -> dict[str, Any]:
        page = await paginate(session, select(Book), query, request=request, response=response)
        body = page.model_dump()
        body["items"] = [query.project(book) for book in page.items]
        return body

    async with client_for(app) as http:
        yield http


async def all_books(client: httpx.AsyncClient, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url: str | None = str(httpx.URL("/books", params=params))
    while url:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        url = response.links.get("next", {}).get("url")
    return items


@pytest.mark.parametrize("sort", ["author.name,-title", "-author.name,title", "title", "-id"])
async def test_walks_a_relationship_sort_through_the_listing(
    client: httpx.AsyncClient, sort: str
) -> None:
    walked = await all_books(client, {"sort": sort, "limit": "4"})
    first_seven = (await client.get("/books", params={"sort": sort, "limit": 7})).json()["items"]
    assert len(walked) == 22
    assert len({book["id"] for book in walked}) == 22
    assert walked[:7] == first_seven

    def key(book: dict[str, Any]) -> list[Any]:
        return [
            book["author"]["name"] if name == "author.name" else book[name]
            for name in [part.lstrip("-") for part in sort.split(",")] + ["id"]
        ]

    descending = [part.startswith("-") for part in sort.split(",")] + [False]
    for earlier, later in itertools.pairwise(walked):
        for a, b, desc in zip(key(earlier), key(later), descending, strict=True):
            if a != b:
                assert (a > b) if desc else (a < b), (earlier, later)
                break


async def test_walks_backwards_through_the_listing(client: httpx.AsyncClient) -> None:
    forward = await all_books(client, {"sort": "-author.name,title", "limit": "5"})
    response = await client.get("/books", params={"sort": "-author.name,title", "limit": 5})
    last = await client.get(response.links["next"]["url"])
    while "next" in last.links:
        last = await client.get(last.links["next"]["url"])
    backward = last.json()["items"]
    while "prev" in last.links:
        last = await client.get(last.links["prev"]["url"])
        backward = last.json()["items"] + backward
    assert backward == forward


@pytest.mark.parametrize("limit", ["0", "8", "-1", "abc"])
async def test_limit_outside_the_listing_maximum_is_a_400(
    client: httpx.AsyncClient, limit: str
) -> None:
    response = await client.get("/books", params={"limit": limit})
    assert response.status_code == 400
    assert "1 to 7" in response.text


async def test_default_and_maximum_limit(client: httpx.AsyncClient) -> None:
    assert len((await client.get("/books")).json()["items"]) == 3
    page = (await client.get("/books", params={"limit": 7, "total": "true"})).json()
    assert len(page["items"]) == 7
    assert page["total"] == 22


async def test_offset_and_cursor_agree(client: httpx.AsyncClient) -> None:
    walked = await all_books(client, {"sort": "author.name", "limit": "3"})
    page = (await client.get("/books", params={"sort": "author.name", "offset": 9})).json()
    assert page["items"] == walked[9:12]
