"""Security test fixtures: an App with a demo router, a spy session store, and clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from markupsafe import escape
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from shipyard import App, Settings
from shipyard.core.clock import utc_now
from shipyard.security import (
    SessionDep,
    clear_session,
    csp_nonce,
    csrf_exempt,
    csrf_token,
    flash,
    flash_oob,
    get_flashed_messages,
    override_security_headers,
    rotate_session_id,
    security_headers,
)
from shipyard.sessions import SESSION_BACKEND
from shipyard.sessions.backends import SessionRecord
from shipyard.testing.schema import create_app_schema

AppFactory = Callable[..., App]
PRODUCTION_APP = {"secret_key": "k" * 40, "base_url": "https://testserver"}
"""The [app] settings production needs (make_app(profile="production", app=PRODUCTION_APP))."""
ClientFactory = Callable[..., TestClient]


class Recorder:
    """Middleware put innermost (just before routing): the paths of the requests it saw.

    ``app.use_middleware("csrf", Recorder, placement="after", seen=paths)``: an empty
    ``paths`` proves that no session, limit, CSRF check or handler saw the request.
    """

    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.seen.append(scope["path"])
        await self.app(scope, receive, send)


class SpyBackend:
    """An in-memory session store that records every call."""

    def __init__(self) -> None:
        self.records: dict[str, SessionRecord] = {}
        self.calls: list[tuple[str, str]] = []

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)

    async def load(self, session_id: str) -> SessionRecord | None:
        self.calls.append(("load", session_id))
        record = self.records.get(session_id)
        return record if record is not None and record.expires_at > utc_now() else None

    async def save(self, session_id: str, payload: str, expires_at: datetime) -> None:
        self.calls.append(("save", session_id))
        self.records[session_id] = SessionRecord(payload, expires_at)

    async def touch(self, session_id: str, expires_at: datetime) -> None:
        self.calls.append(("touch", session_id))
        record = self.records[session_id]
        self.records[session_id] = SessionRecord(record.payload, expires_at)

    async def delete(self, session_id: str) -> None:
        self.calls.append(("delete", session_id))
        self.records.pop(session_id, None)

    async def close(self) -> None:
        self.calls.append(("close", ""))


def demo_router() -> APIRouter:
    router = APIRouter()

    @router.get("/plain")
    async def plain() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/count")
    async def count(session: SessionDep) -> dict[str, int]:
        session["count"] = session.get("count", 0) + 1
        return {"count": session["count"]}

    @router.get("/peek")
    async def peek(session: SessionDep) -> dict[str, Any]:
        return dict(session)

    @router.post("/login")
    async def login(request: Request) -> dict[str, bool]:
        await rotate_session_id(request)
        return {"ok": True}

    @router.post("/logout")
    async def logout(request: Request) -> dict[str, bool]:
        clear_session(request)
        return {"ok": True}

    @router.get("/token", response_class=PlainTextResponse)
    async def token(request: Request) -> str:
        return csrf_token(request)

    @router.post("/submit")
    async def submit(request: Request) -> dict[str, Any]:
        body = await request.body()
        form = await request.form()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        files = {
            key: len(await value.read())
            for key, value in form.items()
            if not isinstance(value, str)
        }
        return {"size": len(body), "fields": fields, "files": files}

    @router.delete("/thing")
    async def delete_thing() -> dict[str, bool]:
        return {"deleted": True}

    @router.post("/hook")
    @csrf_exempt
    async def hook(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @router.post("/flash")
    async def add_flash(request: Request, session: SessionDep) -> dict[str, bool]:
        flash(request, "Saved <b>ok</b>", "success")
        return {"ok": True}

    @router.get("/messages")
    async def messages(request: Request, session: SessionDep) -> list[list[str]]:
        return [list(message) for message in get_flashed_messages(request)]

    @router.post("/fragment", response_class=HTMLResponse)
    async def fragment(request: Request, session: SessionDep) -> str:
        flash(request, "Row <deleted>", "info")
        return "<tr id='row'></tr>" + str(flash_oob(request))

    @router.get("/page", response_class=HTMLResponse)
    async def page(request: Request) -> str:
        nonce = escape(csp_nonce(request))
        return f"<html><script nonce='{nonce}'></script></html>"

    @router.get("/framed", response_class=HTMLResponse)
    @security_headers(csp={"frame-ancestors": "'self'"}, headers={"X-Frame-Options": "SAMEORIGIN"})
    async def framed() -> str:
        return "<html>framed</html>"

    @router.get("/embed", response_class=HTMLResponse)
    async def embed(request: Request) -> str:
        override_security_headers(request, headers={"Cross-Origin-Opener-Policy": ""})
        return "<html>embed</html>"

    @router.get("/own-csp", response_class=HTMLResponse)
    async def own_csp() -> HTMLResponse:
        return HTMLResponse("<html></html>", headers={"Content-Security-Policy": "sandbox"})

    @router.get("/big")
    async def big(session: SessionDep) -> JSONResponse:
        session["blob"] = "x" * 5000
        return JSONResponse({"ok": True})

    return router


@pytest.fixture
def spy() -> SpyBackend:
    return SpyBackend()


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """An App with the demo routes; ``backend`` preset in app.state unless None."""

    def factory(backend: Any = None, **sections: Any) -> App:
        sections.setdefault("profile", "test")
        sections.setdefault("database", {"url": f"sqlite+aiosqlite:///{tmp_path / 'sessions.db'}"})
        app = App(settings=Settings.model_validate(sections), root=tmp_path)
        if app.settings.database.url.get_secret_value().startswith("sqlite"):
            app.on_startup(create_app_schema)  # (a test points it at a database that is down)
        app.include_router(demo_router())
        if backend is not None:
            SESSION_BACKEND.provide(app, backend)
        return app

    return factory


@pytest.fixture
def make_client(make_app: AppFactory) -> Iterator[ClientFactory]:
    """Started TestClients (lifespan run), closed at the end of the test."""
    with ExitStack() as opened:

        def factory(
            backend: Any = None, base_url: str = "http://testserver", **sections: Any
        ) -> TestClient:
            app = make_app(backend, **sections)
            return opened.enter_context(
                TestClient(app, base_url=base_url, raise_server_exceptions=False)
            )

        yield factory


@pytest.fixture
def client(make_client: ClientFactory, spy: SpyBackend) -> TestClient:
    return make_client(spy)
