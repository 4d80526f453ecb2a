"""One database session per request, shared by the limiter, the session store, the
authenticators and the route, and committed before the response starts.

Requests go through the raw ASGI interface, so a test can look at the database (on a
connection of its own) at the exact moment the response starts to be sent, and count the
pool checkouts and statements one request costs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import BackgroundTasks, Depends
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from starlette.types import Message
from tests.db.wire import record_sqlite_statements

from shipyard import App, Settings
from shipyard.auth import CurrentIdentity, Identity, OptionalIdentity, create_user
from shipyard.auth.apikeys.models import ApiKey
from shipyard.auth.authenticators import register_authenticator
from shipyard.auth.tokens import TokensExtension
from shipyard.auth.users import user_model
from shipyard.db import DbSession, get_database
from shipyard.db.request import current_request_session
from shipyard.ratelimit import RateLimit
from shipyard.sessions import SessionDep
from shipyard.testing.credentials import access_token, api_key, login_session_cookie
from shipyard.testing.schema import create_tables

SECRET = "request-session-" + "x" * 40


@dataclass
class Sent:
    """What one raw ASGI call answered, and what ``on_start`` saw when it started."""

    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    seen_at_start: Any = None


class CountingMaker:
    """A database's session maker that counts the sessions it makes."""

    def __init__(self, maker: Callable[[], AsyncSession]) -> None:
        self.maker = maker
        self.kw = getattr(maker, "kw", {})
        self.sessions = 0

    def __call__(self) -> AsyncSession:
        self.sessions += 1
        return self.maker()


def build_app(root: Path) -> App:
    settings = Settings.model_validate(
        {
            "profile": "test",
            "app": {"secret_key": SECRET},
            "database": {"url": f"sqlite+aiosqlite:///{root / 'app.db'}"},
        }
    )
    app = App(settings=settings, root=root, extensions=[TokensExtension(prefix=None)])
    per_user = Depends(RateLimit("1000/minute", key="user"))

    @app.get("/me", dependencies=[per_user])
    async def me(identity: CurrentIdentity, again: OptionalIdentity, db: DbSession) -> Any:
        assert again is identity
        assert identity.user in db.sync_session
        return {"email": identity.user.email}

    @app.get("/plain")
    async def plain() -> Any:
        return {"ok": True}

    @app.get("/remember")
    async def remember(session: SessionDep, db: DbSession) -> Any:
        session["remembered"] = "yes"
        return {"ok": True}

    @app.get("/note")
    async def note(session: SessionDep) -> Any:
        session["noted"] = "yes"
        return {"ok": True}

    @app.get("/later")
    async def later(tasks: BackgroundTasks) -> Any:
        async def check() -> None:
            app.state.background_session = current_request_session()

        tasks.add_task(check)
        return {"ok": True}

    return app


@asynccontextmanager
async def started(root: Path) -> AsyncIterator[tuple[App, int]]:
    app = build_app(root)
    async with app.router.lifespan_context(app):
        async with get_database(app).engine.begin() as connection:
            await connection.run_sync(create_tables)
        async with get_database(app).sessionmaker() as db, db.begin():
            user = await create_user(
                db,
                "ada@example.com",
                "a long enough password",
                app.settings.auth,
                check_password=False,
            )
        yield app, user.id


async def call(
    app: App,
    method: str,
    path: str,
    headers: dict[str, str],
    on_start: Callable[[], Awaitable[Any]] | None = None,
) -> Sent:
    sent = Sent()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"accept", b"application/json")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            sent.status = message["status"]
            sent.headers = list(message.get("headers", []))
            if on_start is not None:
                sent.seen_at_start = await on_start()
        elif message["type"] == "http.response.body":
            sent.body += message.get("body", b"")

    await app(scope, receive, send)
    return sent


async def credential(app: App, kind: str, user_id: int) -> dict[str, str]:
    if kind == "session":
        _, set_cookie = await login_session_cookie(app, user_id)
        return {"Cookie": set_cookie.decode("latin-1").split(";", 1)[0]}
    if kind == "jwt":
        return {"Authorization": f"Bearer {await access_token(app, user_id)}"}
    return {"X-API-Key": await api_key(app, user_id)}


@pytest.mark.parametrize("kind", ["session", "jwt", "api_key"])
async def test_an_authenticated_request_that_only_reads_checks_out_no_connection(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its reads run on the database's kept connection; the user (roles joined) is read once."""
    async with started(tmp_path) as (app, user_id):
        headers = await credential(app, kind, user_id)
        await call(app, "GET", "/me", headers)  # the API key's first use is recorded
        engine = get_database(app).engine.sync_engine
        checkouts: list[object] = []

        def count_checkout(*_: object) -> None:
            checkouts.append(None)

        statements = record_sqlite_statements(monkeypatch)
        event.listen(engine.pool, "checkout", count_checkout)
        try:
            sent = await call(app, "GET", "/me", headers)
        finally:
            event.remove(engine.pool, "checkout", count_checkout)
        assert sent.status == 200, sent.body
        assert checkouts == [], statements
        kept = get_database(app).kept
        assert kept is not None
        assert kept.connection is not None
        user_queries = [s for s in statements if "FROM users" in s]
        assert len(user_queries) == 1, statements
        assert [s for s in statements if "roles" in s] == user_queries  # roles joined in


async def test_the_limiter_identity_is_the_one_the_route_gets(tmp_path: Path) -> None:
    """A credential the limiter authenticated is not authenticated again by the route."""
    calls: list[str] = []

    async with started(tmp_path) as (app, user_id):

        async def counting(request: HTTPConnection, db: AsyncSession) -> Identity | None:
            calls.append(request.url.path)
            user = await db.get(user_model(app), user_id)
            return None if user is None else Identity(user=user, method="jwt")

        register_authenticator(app, counting, priority=1)
        sent = await call(app, "GET", "/me", {"Authorization": "Test ada"})
        assert sent.status == 200, sent.body
        assert calls == ["/me"]


async def test_an_api_key_use_recorded_by_the_limiter_is_committed_without_a_route_session(
    tmp_path: Path,
) -> None:
    async with started(tmp_path) as (app, user_id):
        headers = await credential(app, "api_key", user_id)

        async def last_used() -> Any:
            async with get_database(app).engine.connect() as connection:
                return await connection.scalar(select(ApiKey.last_used_at))

        sent = await call(app, "GET", "/plain", headers, on_start=last_used)
        assert sent.status == 200
        assert sent.seen_at_start is not None


async def test_a_session_saved_after_the_route_committed_is_durable_when_the_response_starts(
    tmp_path: Path,
) -> None:
    async with started(tmp_path) as (app, user_id):
        headers = await credential(app, "session", user_id)

        async def stored_payloads() -> list[str]:
            async with get_database(app).engine.connect() as connection:
                rows = await connection.execute(text("SELECT payload FROM shipyard_sessions"))
                return [row.payload for row in rows]

        sent = await call(app, "GET", "/remember", headers, on_start=stored_payloads)
        assert sent.status == 200, sent.body
        assert any('"remembered"' in payload for payload in sent.seen_at_start)


async def test_a_request_that_only_changes_its_session_writes_it_on_the_kept_connection(
    tmp_path: Path,
) -> None:
    """No pool checkout, no transaction of the request's, not even its ``AsyncSession``
    made: one upsert, durable at the start."""
    async with started(tmp_path) as (app, user_id):
        headers = await credential(app, "session", user_id)
        await call(app, "GET", "/note", headers)  # the kept connection is opened
        database = get_database(app)
        engine = database.engine.sync_engine
        checkouts: list[object] = []
        made = CountingMaker(database.sessionmaker)
        database.sessionmaker = made  # type: ignore[assignment]

        def count_checkout(*_: object) -> None:
            checkouts.append(None)

        async def stored_payloads() -> list[str]:
            with closing(sqlite3.connect(tmp_path / "app.db")) as connection:
                rows = connection.execute("SELECT payload FROM shipyard_sessions").fetchall()
            return [payload for (payload,) in rows]

        event.listen(engine.pool, "checkout", count_checkout)
        try:
            sent = await call(app, "GET", "/note", headers, on_start=stored_payloads)
        finally:
            event.remove(engine.pool, "checkout", count_checkout)
        assert sent.status == 200, sent.body
        assert checkouts == []
        assert made.sessions == 0
        assert any('"noted"' in payload for payload in sent.seen_at_start)


async def test_work_after_the_response_started_gets_no_shared_session(tmp_path: Path) -> None:
    """A background task runs after the commit: it must open (and commit) its own."""
    async with started(tmp_path) as (app, _):
        app.state.background_session = "not run"
        sent = await call(app, "GET", "/later", {})
        assert sent.status == 200
        assert app.state.background_session is None
