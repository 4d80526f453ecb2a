"""Fixtures for the pagination tests: an App listing ``Entry`` rows on SQLite and PostgreSQL.

``GET /entries?sort=-score,name&limit=3&cursor=...`` pages through the table; the sort is
parsed here by hand (the query package does it for real apps) and always ends with ``id``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, SecretStr
from sqlalchemy import ColumnElement, Select, select
from tests.api.pagination.models import Colour, Entry
from tests.db.conftest import database, db_settings, postgres_database_url, postgres_databases

from shipyard import App, Settings
from shipyard.api.pagination import Page, paginate
from shipyard.config.models import AppSettings
from shipyard.db import DATABASE, Database, DbSession

__all__ = ["database", "db_settings", "postgres_database_url", "postgres_databases"]

SECRET = "pagination-test-secret-key-0123456789"
NULLABLE = {"score", "ratio", "seen", "day", "price", "ref", "colour"}


@dataclass(frozen=True)
class Term:
    """A sort column, shaped like ``shipyard.api.query.SortTerm``."""

    name: str
    column: ColumnElement[Any]
    descending: bool
    nullable: bool


@dataclass
class Query:
    """A list query, shaped like ``shipyard.api.query.ListQuery``."""

    sort: tuple[Term, ...]
    limit: int = 3
    cursor: str | None = None
    offset: int | None = None
    with_total: bool = False
    where: list[ColumnElement[bool]] = field(default_factory=list)

    def apply(self, statement: Select[Any]) -> Select[Any]:
        return statement.where(*self.where).order_by(*(term.column for term in self.sort))


def parse_sort(spec: str) -> tuple[Term, ...]:
    """``"-score,name"`` -> terms, with the ``id`` tiebreaker appended."""
    terms = []
    for part in filter(None, spec.split(",")):
        name = part.lstrip("-")
        column = getattr(Entry, name).expression
        terms.append(Term(name, column, part.startswith("-"), name in NULLABLE))
    return (*terms, Term("id", Entry.id.expression, False, False))


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


def make_app(database: Database, root: Path, secret: str = SECRET) -> App:
    """An App serving ``/entries`` (ids only), ``/entries/full`` and ``/others``."""
    settings = Settings(profile="test", app=AppSettings(secret_key=SecretStr(secret)))
    app = App(settings=settings, root=root)
    DATABASE.provide(app, database)

    def query_of(
        sort: str, limit: int, cursor: str | None, offset: int | None, total: bool
    ) -> Query:
        return Query(parse_sort(sort), limit, cursor, offset, total)

    @app.get("/entries")
    async def entries(
        request: Request,
        response: Response,
        session: DbSession,
        sort: str = "",
        limit: int = 3,
        cursor: str | None = None,
        offset: int | None = None,
        total: bool = False,
    ) -> dict[str, Any]:
        query = query_of(sort, limit, cursor, offset, total)
        page = await paginate(session, select(Entry.id), query, request=request, response=response)
        return page.model_dump()

    @app.get("/entries/full")
    async def full(
        request: Request, response: Response, session: DbSession, limit: int = 3
    ) -> Page[EntryOut]:
        query = query_of("-name", limit, request.query_params.get("cursor"), None, False)
        return await paginate(
            session, select(Entry), query, request=request, response=response, item=EntryOut
        )

    @app.get("/others")
    async def others(
        request: Request, session: DbSession, sort: str = "", cursor: str | None = None
    ) -> dict[str, Any]:
        query = query_of(sort, 3, cursor, None, False)
        return (await paginate(session, select(Entry.id), query, request=request)).model_dump()

    @app.get("/small")
    async def small(
        request: Request, session: DbSession, offset: int | None = None
    ) -> dict[str, Any]:
        query = query_of("", 3, None, offset, False)
        page = await paginate(session, select(Entry.id), query, request=request, allow_offset=False)
        return page.model_dump()

    return app


def random_entry(rng: random.Random) -> Entry:
    """An entry with many ties and NULLs in every nullable column."""

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.3 else value

    base = datetime(2024, 1, 1, tzinfo=UTC)
    return Entry(
        name=rng.choice(["ada", "bob", "cy", "dee"]),
        rank=rng.randint(1, 3),
        score=maybe(rng.randint(-2, 2)),
        ratio=maybe(rng.choice([0.1, 0.25, 1 / 3, -1.5])),
        seen=maybe(base + timedelta(seconds=rng.randint(0, 3), microseconds=rng.randint(0, 2))),
        day=maybe(date(2024, 1, rng.randint(1, 3))),
        price=maybe(Decimal(rng.choice(["0.10", "1.00", "-2.50"]))),
        ref=maybe(uuid.UUID(int=rng.getrandbits(128) % 4 * (2**120))),
        colour=maybe(rng.choice(list(Colour))),
    )


async def insert(database: Database, entries: Sequence[Entry]) -> None:
    async with database.sessionmaker() as session, session.begin():
        session.add_all(entries)


async def all_entries(database: Database) -> list[Entry]:
    async with database.sessionmaker() as session:
        return list(await session.scalars(select(Entry)))


def expected_ids(entries: Sequence[Entry], sort: Sequence[Term]) -> list[int]:
    """The order the API must return: ascending NULLs last, descending NULLs first."""
    ordered = list(entries)
    for term in reversed(sort):

        def key(entry: Entry, name: str = term.name) -> tuple[bool, Any]:
            value = getattr(entry, name)
            if isinstance(value, Colour):
                value = value.name
            return (value is None, 0 if value is None else value)

        ordered.sort(key=key, reverse=term.descending)
    return [entry.id for entry in ordered]


@pytest.fixture
async def seeded(database: Database) -> Database:
    """The database with 40 random entries."""
    rng = random.Random(5)
    await insert(database, [random_entry(rng) for _ in range(40)])
    return database


@pytest.fixture
async def client(seeded: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_app(seeded, tmp_path)) as http:
        yield http


def client_for(app: App) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
