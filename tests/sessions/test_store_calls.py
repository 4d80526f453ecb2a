"""What each kind of request costs the real session stores (SQLite and Redis), counted.

The whole default stack runs (CSRF, the rate limiter with a per-user limit peeking at the
session's owner tag, templates with ``csrf_field()`` and flash messages). Each test counts
the store calls the session layer makes and what reaches the server: SQL statements on the
``shipyard_sessions`` table, round trips to Redis.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from redis.asyncio.connection import AbstractConnection
from starlette.types import Message
from tests.db.settings import sqlite_settings
from tests.db.wire import record_sqlite_statements

from shipyard import App, PageRouter
from shipyard.config.holder import override_settings
from shipyard.core.clock import utc_now
from shipyard.security import flash, get_flashed_messages, get_session, rotate_session_id
from shipyard.sessions import SESSION_BACKEND, SessionBackend, SessionRecord, clear_session
from shipyard.sessions.middleware import SessionCookie
from shipyard.testing.schema import create_app_schema
from shipyard.testing.services import redis_url, require_port
from shipyard.web import render

COOKIE = "shipyard_session"
MAX_AGE = 3600
TOUCH_INTERVAL = 300
WRITES = {"save", "touch", "delete"}
TEMPLATE = "{{ csrf_field() }}{% for m in get_flashed_messages() %}{{ m.message }}{% endfor %}"


@dataclass
class CountingStore:
    """The app's real store, with every call the session layer makes recorded."""

    inner: SessionBackend
    calls: list[str] = field(default_factory=list)

    async def load(self, session_id: str) -> SessionRecord | None:
        self.calls.append("load")
        return await self.inner.load(session_id)

    async def save(self, session_id: str, payload: str, expires_at: datetime) -> None:
        self.calls.append("save")
        await self.inner.save(session_id, payload, expires_at)

    async def touch(self, session_id: str, expires_at: datetime) -> None:
        self.calls.append("touch")
        await self.inner.touch(session_id, expires_at)

    async def delete(self, session_id: str) -> None:
        self.calls.append("delete")
        await self.inner.delete(session_id)

    async def close(self) -> None:
        await self.inner.close()


@dataclass
class Stack:
    """A started app, a client holding a logged-in session, and the counters."""

    app: App
    client: httpx.AsyncClient
    store: CountingStore
    backend: str
    sent: list[str]
    """What reached the server: every SQL statement, or a line per Redis round trip."""

    def reset(self) -> None:
        self.store.calls.clear()
        self.sent.clear()

    @property
    def wire(self) -> list[str]:
        """The statements on the sessions table (``UPSERT`` for an upsert), or round trips."""
        if self.backend != "database":
            return list(self.sent)
        return [
            "UPSERT" if s.startswith("INSERT") and "ON CONFLICT" in s else s.split(None, 1)[0]
            for s in self.sent
            if "shipyard_sessions" in s
        ]

    @property
    def session_id(self) -> str:
        """The id the last ``/read`` request had (the cookie is signed: only the app knows)."""
        return str(self.app.state.last_session_id)

    def wire_for(self, read: int, write: int = 0) -> list[str]:
        """What ``read`` store reads then ``write`` saves look like on the wire."""
        if self.backend == "database":
            return ["SELECT"] * read + ["UPSERT"] * write  # INSERT ... ON CONFLICT DO UPDATE
        return ["round trip"] * (read + write)  # GET+PTTL pipelined; one SET ... PXAT


def routes() -> list[APIRouter]:
    api = APIRouter()
    pages = PageRouter()

    @api.get("/plain")
    async def plain() -> dict[str, bool]:
        return {"ok": True}

    @api.post("/plain")
    async def plain_post() -> dict[str, bool]:
        return {"ok": True}

    @api.get("/template", response_class=HTMLResponse)
    async def template(request: Request) -> HTMLResponse:
        return render(request, "t.html")

    @api.post("/login")
    async def login(request: Request) -> dict[str, bool]:
        await rotate_session_id(request, owner="ada")
        get_session(request)["user"] = "ada"
        return {"ok": True}

    @api.post("/logout")
    async def logout(request: Request) -> dict[str, bool]:
        clear_session(request)
        return {"ok": True}

    @pages.get("/read")
    async def read(request: Request) -> str:
        request.app.state.last_session_id = get_session(request).current_id
        return f"<p>{get_session(request).get('user', 'nobody')}</p>"

    @pages.get("/same")
    async def same(request: Request) -> str:
        session = get_session(request)
        session["user"] = session["user"]
        return "<p>same</p>"

    @pages.get("/flash")
    async def flash_page(request: Request) -> str:
        session = get_session(request)
        session["visits"] = int(session.get("visits", 0)) + 1
        flash(request, f"visit {session['visits']}")
        return " ".join(message.message for message in get_flashed_messages(request))

    return [api, pages]


def _redis() -> str:
    url = redis_url()
    host, _, port = url.split("://", 1)[1].split("/", 1)[0].rpartition(":")
    require_port("Redis", host or "127.0.0.1", int(port or 6379))
    return url


def _count_redis_round_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    wire: list[str] = []
    original = AbstractConnection.send_packed_command

    async def counted(self: AbstractConnection, command: Any, check_health: bool = True) -> None:
        wire.append("round trip")
        await original(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return wire


@pytest.fixture(params=["database", "redis"])
async def stack(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Stack]:
    backend: str = request.param
    sessions: dict[str, Any] = {"backend": backend, "max_age": MAX_AGE}
    sessions["touch_interval"] = TOUCH_INTERVAL
    if backend == "redis":
        sessions |= {"redis_url": _redis(), "redis_prefix": f"test:{uuid.uuid4().hex}:"}
    settings = sqlite_settings(
        tmp_path / "app.db",
        sessions=sessions,
        ratelimit={"enabled": True, "user": "1000/minute", "ip": "1000/minute"},
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text(TEMPLATE)
    app = App(settings=settings, root=tmp_path)
    app.on_startup(create_app_schema)
    app.add_template_dir(tmp_path / "templates")
    for router in routes():
        app.include_router(router)
    async with app.router.lifespan_context(app):
        real = SESSION_BACKEND.get(app)
        store = CountingStore(real)
        SESSION_BACKEND.provide(app, store)
        if backend == "database":
            sent = record_sqlite_statements(monkeypatch)
        else:
            sent = _count_redis_round_trips(monkeypatch)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.post("/login")).status_code == 200
            assert (await client.get("/read")).text == "<p>ada</p>"
            yielded = Stack(app, client, store, backend, sent)
            yielded.reset()
            yield yielded
        SESSION_BACKEND.provide(app, real)


async def _csrf_header(stack: Stack) -> dict[str, str]:
    response = await stack.client.get("/template")
    token = response.text.split('value="', 1)[1].split('"', 1)[0]
    return {"X-CSRF-Token": token}


async def test_requests_that_do_not_use_the_session_never_reach_the_store(
    stack: Stack,
) -> None:
    headers = await _csrf_header(stack)  # a template with csrf_field() and the flashes
    assert (await stack.client.get("/plain")).status_code == 200
    post = await stack.client.post("/plain", headers=headers)  # the CSRF check passes
    assert post.status_code == 200
    assert "ratelimit-limit" in {name.lower() for name in post.headers}  # per-user peek
    assert stack.store.calls == []
    assert stack.wire == []


async def test_a_forged_csrf_token_is_refused_without_reaching_the_store(
    stack: Stack,
) -> None:
    response = await stack.client.post("/plain", headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403
    assert stack.store.calls == []
    assert stack.wire == []


async def test_a_read_only_session_is_one_read_and_no_write(stack: Stack) -> None:
    for _ in range(3):
        response = await stack.client.get("/read")
        assert response.text == "<p>ada</p>"
        assert "set-cookie" not in response.headers
    assert stack.store.calls == ["load"] * 3
    assert stack.wire == stack.wire_for(read=1) * 3


async def test_assigning_what_is_already_stored_writes_nothing(stack: Stack) -> None:
    response = await stack.client.get("/same")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert stack.store.calls == ["load"]
    assert stack.wire == stack.wire_for(read=1)


async def test_expiry_is_renewed_at_most_once_per_touch_interval(stack: Stack) -> None:
    await stack.client.get("/read")
    session_id = stack.session_id
    record = await stack.store.inner.load(session_id)
    assert record is not None
    renewed_long_ago = utc_now() + timedelta(seconds=MAX_AGE - TOUCH_INTERVAL - 5)
    await stack.store.inner.save(session_id, record.payload, renewed_long_ago)
    stack.reset()
    first = await stack.client.get("/read")
    second = await stack.client.get("/read")
    assert stack.store.calls == ["load", "touch", "load"]
    assert "set-cookie" in first.headers
    assert "set-cookie" not in second.headers
    renewed = await stack.store.inner.load(session_id)
    assert renewed is not None
    assert renewed.expires_at > utc_now() + timedelta(seconds=MAX_AGE - 60)


async def test_a_changed_session_is_one_read_and_one_single_statement_write(
    stack: Stack,
) -> None:
    for visit in (1, 2, 3):
        response = await stack.client.get("/flash")
        assert response.text == f"visit {visit}"
    assert stack.store.calls == ["load", "save"] * 3
    assert stack.wire == stack.wire_for(read=1, write=1) * 3


async def test_a_change_is_in_the_store_before_the_response_starts(stack: Stack) -> None:
    await stack.client.get("/read")
    session_id = stack.session_id
    cookie = stack.client.cookies[COOKIE]
    seen: list[str] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            record = await stack.store.inner.load(session_id)
            seen.append(record.payload if record else "")

    await _call(stack.app, "/flash", cookie, receive, send)
    assert len(seen) == 1
    assert '"visits":1' in seen[0]


async def test_logout_ends_the_session_on_the_very_next_request(stack: Stack) -> None:
    cookie = stack.client.cookies[COOKIE]
    headers = await _csrf_header(stack)
    assert (await stack.client.post("/logout", headers=headers)).status_code == 200
    assert "delete" in stack.store.calls
    stack.client.cookies.set(COOKIE, cookie)  # the old cookie, replayed
    assert (await stack.client.get("/read")).text == "<p>nobody</p>"


async def _call(
    app: App,
    path: str,
    cookie: str,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    headers = [(b"host", b"testserver"), (b"cookie", f"{COOKIE}={cookie}".encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)


async def test_the_cookie_is_only_verified_when_the_session_is_asked_for(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    original = SessionCookie.verify

    def counted(self: SessionCookie, raw: str) -> str | None:
        verified.append(raw)
        return original(self, raw)

    monkeypatch.setattr(SessionCookie, "verify", counted)
    with override_settings(stack.app, ratelimit__enabled=False):  # nothing peeks at the owner
        assert (await stack.client.get("/plain")).status_code == 200
        assert verified == []
        assert (await stack.client.get("/read")).text == "<p>ada</p>"
        assert len(verified) == 1


async def test_concurrent_changes_to_one_session_all_succeed(stack: Stack) -> None:
    responses = await asyncio.gather(*(stack.client.get("/flash") for _ in range(10)))
    assert [response.status_code for response in responses] == [200] * 10
    assert stack.store.calls.count("save") == 10  # each an upsert: none fails on a conflict
    await stack.client.get("/read")
    record = await stack.store.inner.load(stack.session_id)
    assert record is not None
    assert '"visits":' in record.payload  # the last writer's data, whole
