"""The ``pagination`` group's apps: one list endpoint with sort, filter and field selection.

Both serve ``GET /items`` over the 1,000,000-row table of :mod:`benchmarks.pagination_db`
and answer :data:`QUERY` (``sort=-created_at&score__gte=50&fields=id,title&limit=20``)
with ``{"items": [{"id": ..., "title": ...}, ...], "next_cursor": "..."}``:

* :func:`shipyard_app`: a production-profile ``shipyard.App`` (default middleware, the
  benchmark's raised rate limits) with a declarative :class:`~shipyard.api.query.Listing`,
  :func:`~shipyard.api.pagination.paginate` (signed keyset cursor, ``Link`` header) and
  ``ListQuery.project`` for the fields.
* :func:`fastapi_app`: the same endpoint by hand on bare FastAPI + SQLAlchemy (asyncpg):
  parameters checked against small allowlists, the selected columns only, a keyset WHERE
  for the cursor (unsigned base64 JSON), ``id`` ascending as the tiebreaker like Shipyard's.

Servers load them with ``--factory``, e.g. ``uvicorn --factory benchmarks.listing:fastapi_app``.
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from benchmarks.apps import BENCHMARK_SITE, LOADTEST_RATELIMIT
from benchmarks.pagination_db import Item, database_url
from shipyard import App, Settings
from shipyard.api.pagination import paginate
from shipyard.api.query import Listing, ListQuery
from shipyard.db import DbSession
from shipyard.testing.schema import create_app_schema

PATH = "/items"
QUERY = "sort=-created_at&score__gte=50&fields=id,title&limit=20"
SECRET_KEY = "benchmark-" + "x" * 40
SORTABLE = ("created_at", "title", "score")
SELECTABLE = ("id", "title", "created_at", "score")
MAX_LIMIT = 100

items = Listing(
    Item,
    sortable=SORTABLE,
    filterable=["score", "created_at"],
    selectable=SELECTABLE,
    default_sort=["-created_at"],
    max_limit=MAX_LIMIT,
)


def shipyard_app() -> App:
    """Shipyard: ``Listing`` + ``paginate`` on the app's own database session."""
    root = Path(tempfile.gettempdir()) / "shipyard-benchmark"
    root.mkdir(exist_ok=True)
    settings = Settings.model_validate(
        {
            "profile": "production",
            "app": {"name": "benchmark", "secret_key": SECRET_KEY, **BENCHMARK_SITE},
            "database": {"url": database_url()},
            "ratelimit": LOADTEST_RATELIMIT,
        }
    )
    app = App(settings=settings, root=root)
    app.on_startup(create_app_schema)

    @app.get(PATH)
    async def list_items(
        request: Request,
        response: Response,
        session: DbSession,
        query: Annotated[ListQuery, Depends(items.dependency)],
    ) -> dict[str, Any]:
        page = await paginate(session, select(Item), query, request=request, response=response)
        return {
            "items": [query.project(item) for item in page.items],
            "next_cursor": page.next_cursor,
        }

    return app


def _encode(values: tuple[Any, ...]) -> str:
    raw = json.dumps([values[0].isoformat(), values[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        created, ident = json.loads(base64.urlsafe_b64decode(cursor))
        return datetime.fromisoformat(created), int(ident)
    except (ValueError, TypeError) as error:
        raise HTTPException(400, "invalid cursor") from error


def fastapi_app() -> FastAPI:
    """Bare FastAPI + SQLAlchemy: the same query, written by hand (sort on created_at)."""
    engine = create_async_engine(database_url())
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    app = FastAPI()

    @app.get(PATH)
    async def list_items(
        sort: str = "-created_at",
        score__gte: int | None = None,
        fields: str = ",".join(SELECTABLE),
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        if sort not in ("created_at", "-created_at"):
            raise HTTPException(400, "sort must be created_at or -created_at")
        chosen = [name.strip() for name in fields.split(",")]
        if not chosen or any(name not in SELECTABLE for name in chosen):
            raise HTTPException(400, f"fields must be among {', '.join(SELECTABLE)}")
        descending = sort.startswith("-")
        columns = [getattr(Item, name) for name in chosen]
        statement: Select[Any] = select(*columns, Item.created_at, Item.id)
        if score__gte is not None:
            statement = statement.where(Item.score >= score__gte)
        if cursor is not None:
            created, ident = _decode(cursor)
            statement = statement.where(_after(created, ident, descending))
        if descending:
            statement = statement.order_by(Item.created_at.desc(), Item.id)
        else:
            statement = statement.order_by(Item.created_at, Item.id)
        async with sessions() as session:
            rows = (await session.execute(statement.limit(limit + 1))).all()
        width = len(chosen)
        page = [dict(zip(chosen, row[:width], strict=True)) for row in rows[:limit]]
        next_cursor = _encode(tuple(rows[limit - 1][width:])) if len(rows) > limit else None
        return {"items": page, "next_cursor": next_cursor}

    return app


def _after(created: datetime, ident: int, descending: bool) -> ColumnElement[bool]:
    """Rows after ``(created, ident)``; the ``id`` tiebreaker ascends either way."""
    later = Item.created_at < created if descending else Item.created_at > created
    return or_(later, and_(Item.created_at == created, Item.id > ident))


def items_problem(response: httpx.Response) -> str | None:
    """Why ``response`` is not a page of :data:`QUERY` (None when it is)."""
    try:
        body = response.json()
    except ValueError:
        return f"status {response.status_code}, not JSON"
    page = body.get("items") if response.status_code == 200 and isinstance(body, dict) else None
    if not isinstance(page, list) or len(page) != 20 or not body.get("next_cursor"):
        return f"status {response.status_code}, not a page of 20 items with a next cursor"
    if any(not isinstance(item, dict) or set(item) != {"id", "title"} for item in page):
        return "items do not hold exactly the selected fields id and title"
    return None


FACTORIES: dict[str, Callable[[], Any]] = {
    "fastapi": fastapi_app,
    "shipyard": shipyard_app,
}
"""App name -> factory (``<name>_app`` in this module); the runner and tests iterate it."""
