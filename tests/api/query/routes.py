"""The listing under test and an ``/items`` route that uses it the documented way."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Select, select
from tests.api.query.models import QueryItem

from shipyard.api.pagination import paginate
from shipyard.api.query import Listing, ListQuery, Op
from shipyard.db import DbSession


def search(statement: Select[Any], q: str) -> Select[Any]:
    return statement.where(QueryItem.title.icontains(q, autoescape=True))


SCALARS = ["count", "small", "big", "ratio", "price", "active", "day", "at", "color", "ref"]

items = Listing(
    QueryItem,
    sortable=["id", "title", "word", *SCALARS, "author.name", "author.publisher.name"],
    filterable={
        "title": ["eq", "ne", "in", "not_in", "contains", "icontains", "startswith"],
        "word": list(Op),
        **dict.fromkeys(SCALARS),
        "author.name": None,
        "author.publisher.name": ["eq", "isnull"],
    },
    selectable=["id", "title", "word", *SCALARS, "author.name", "author.publisher.name"],
    joins=["author", "author.publisher"],
    default_sort=["title"],
    max_limit=50,
    default_limit=10,
    search=search,
)

router = APIRouter()


@router.get("/items")
async def list_items(
    query: Annotated[ListQuery, Depends(items)], session: DbSession
) -> list[dict[str, Any]]:
    rows = await session.scalars(query.apply(select(QueryItem)).limit(query.limit))
    return [query.project(row) for row in rows.unique()]


@router.get("/plain")
async def plain(query: Annotated[ListQuery, Depends(items.dependency)]) -> dict[str, Any]:
    return {"sort": query.sort_text, "limit": query.limit, "fields": list(query.fields)}


@router.get("/paged")
async def paged(
    request: Request,
    response: Response,
    query: Annotated[ListQuery, Depends(items)],
    session: DbSession,
) -> dict[str, Any]:
    page = await paginate(session, select(QueryItem), query, request=request, response=response)
    return {"items": [query.project(row) for row in page.items], "next": page.next_cursor}
