"""The request session: committed before the response is sent, rolled back on errors.

Requests are driven through the raw ASGI interface so the test can look at the database
at the exact moment the response starts to be sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from pydantic import SecretStr
from sqlalchemy import select, text
from starlette.types import Message
from tests.db.models import Author, Book

from shipyard.config.models import DatabaseSettings
from shipyard.db import DATABASE, Database, DbSession, count_queries, get_database
from shipyard.errors import ShipyardError
from shipyard.testing.services import free_port


def make_api(database: Database) -> FastAPI:
    api = FastAPI()
    DATABASE.provide(api, database)

    @api.post("/authors/{name}")
    async def create(name: str, session: DbSession) -> dict[str, str]:
        session.add(Author(name=name))
        return {"name": name}

    @api.post("/refused/{name}")
    async def refused(name: str, session: DbSession) -> None:
        session.add(Author(name=name))
        await session.flush()
        raise HTTPException(status_code=409, detail="refused")

    @api.post("/crash/{name}")
    async def crash(name: str, session: DbSession) -> None:
        session.add(Author(name=name))
        await session.flush()
        raise RuntimeError("handler bug")

    @api.post("/orphan")
    async def orphan(session: DbSession) -> dict[str, str]:
        session.add(Book(title="no author", author_id=987654))
        return {"status": "looks fine"}

    @api.get("/idle")
    async def idle(session: DbSession) -> dict[str, bool]:
        return {"active": session.in_transaction()}

    @api.get("/count")
    async def count(session: DbSession) -> dict[str, int]:
        return {"authors": len((await session.scalars(select(Author))).all())}

    return api


@dataclass
class Outcome:
    status: int = 0
    names_at_start: list[str] = field(default_factory=list)
    error: BaseException | None = None


async def call(
    api: FastAPI, method: str, path: str, observe: Callable[[], Awaitable[list[str]]]
) -> Outcome:
    """Run one request; ``observe`` runs when the response starts being sent."""
    outcome = Outcome()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1234),
        "server": ("test", 80),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            outcome.status = message["status"]
            outcome.names_at_start = await observe()

    try:
        await api(scope, receive, send)
    except Exception as exc:
        outcome.error = exc
    return outcome


@pytest.fixture
async def observer(database: Database, tmp_path: Path) -> Callable[[], Awaitable[list[str]]]:
    """Reads author names through a separate engine: sees committed rows only."""
    other = Database(database.settings, tmp_path)

    async def names() -> list[str]:
        try:
            async with other.engine.connect() as connection:
                rows = await connection.execute(text("SELECT name FROM test_authors"))
                return sorted(rows.scalars())
        finally:
            await other.dispose()

    return names


async def test_write_is_committed_before_the_response_is_sent(
    database: Database, observer: Callable[[], Awaitable[list[str]]]
) -> None:
    outcome = await call(make_api(database), "POST", "/authors/ada", observer)
    assert outcome.error is None
    assert outcome.status == 200
    assert outcome.names_at_start == ["ada"]


async def test_http_error_rolls_back(
    database: Database, observer: Callable[[], Awaitable[list[str]]]
) -> None:
    outcome = await call(make_api(database), "POST", "/refused/bob", observer)
    assert outcome.status == 409
    assert outcome.names_at_start == []
    assert await observer() == []


async def test_exception_rolls_back(
    database: Database, observer: Callable[[], Awaitable[list[str]]]
) -> None:
    outcome = await call(make_api(database), "POST", "/crash/carol", observer)
    assert outcome.status == 500
    assert isinstance(outcome.error, RuntimeError)
    assert await observer() == []


async def test_failed_commit_is_an_error_response_not_a_lost_write(
    database: Database, observer: Callable[[], Awaitable[list[str]]]
) -> None:
    outcome = await call(make_api(database), "POST", "/orphan", observer)
    assert outcome.status == 500  # the foreign key violation surfaces at commit
    assert outcome.error is not None
    async with database.sessionmaker() as session:
        assert (await session.scalars(select(Book))).all() == []


async def test_each_request_gets_its_own_session(
    database: Database, observer: Callable[[], Awaitable[list[str]]]
) -> None:
    api = make_api(database)
    for name in ("a", "b", "c"):
        assert (await call(api, "POST", f"/authors/{name}", observer)).status == 200
    assert await observer() == ["a", "b", "c"]


async def test_unused_session_costs_no_query(
    database: Database, observer: Callable[[], Awaitable[list[str]]]
) -> None:
    with count_queries() as queries:
        outcome = await call(make_api(database), "GET", "/idle", observer)
        # observer's own SELECT is the only statement
    assert outcome.status == 200
    assert queries.count == 1


async def test_unreachable_database_fails_only_requests_that_use_it(tmp_path: Path) -> None:
    settings = DatabaseSettings(url=SecretStr(f"postgresql+asyncpg://u@127.0.0.1:{free_port()}/x"))
    database = Database(settings, tmp_path)
    api = make_api(database)

    async def nothing() -> list[str]:
        return []

    try:
        assert (await call(api, "GET", "/idle", nothing)).status == 200
        outcome = await call(api, "GET", "/count", nothing)
        assert outcome.status == 500
        assert isinstance(outcome.error, ShipyardError)
        assert str(outcome.error).startswith("database unreachable at postgresql+asyncpg://")
    finally:
        await database.dispose()


def test_get_database_without_one_is_a_clear_error() -> None:
    with pytest.raises(ShipyardError, match="this app has no database yet"):
        get_database(FastAPI())
