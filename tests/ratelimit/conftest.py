"""Rate-limit fixtures: an App with limited demo routes, started in a TestClient."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends, Request
from starlette.testclient import TestClient
from tests.db.settings import sqlite_settings

from shipyard import App
from shipyard.ratelimit import RateLimit, attempt_succeeded, throttle_attempt
from shipyard.security import SessionDep
from shipyard.testing.schema import create_app_schema

ClientFactory = Callable[..., TestClient]
PASSWORD = "the right password"
PROXY = "10.0.0.1"
"""The address test clients' requests come from (trust it to name client IPs)."""


def demo_router() -> APIRouter:
    router = APIRouter()

    @router.get("/open")
    async def open_route() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/limited", dependencies=[Depends(RateLimit("2/minute"))])
    async def limited() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/other", dependencies=[Depends(RateLimit("2/minute"))])
    async def other() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/shared-a", dependencies=[Depends(RateLimit("3/minute", bucket="shared"))])
    async def shared_a() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/shared-b", dependencies=[Depends(RateLimit("3/minute", bucket="shared"))])
    async def shared_b() -> dict[str, bool]:
        return {"ok": True}

    @router.post("/login", dependencies=[Depends(RateLimit.named("auth"))])
    async def login(request: Request) -> dict[str, bool]:
        form = await request.json()
        await throttle_attempt(request, str(form["email"]))
        if form.get("password") != PASSWORD:
            return {"ok": False}
        await attempt_succeeded(request, str(form["email"]))
        return {"ok": True}

    @router.get("/everyone", dependencies=[Depends(RateLimit("2/minute", key="route"))])
    async def everyone() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/by-header", dependencies=[Depends(RateLimit("1/minute", key=_tenant))])
    async def by_header() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/unknown-name", dependencies=[Depends(RateLimit.named("nope"))])
    async def unknown_name() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/start-session")
    async def start_session(session: SessionDep) -> dict[str, bool]:
        session["seen"] = True
        return {"ok": True}

    return router


def _tenant(request: Any) -> str:
    return f"tenant:{request.headers.get('x-tenant', '-')}"


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., App]:
    def factory(**ratelimit: Any) -> App:
        settings = sqlite_settings(tmp_path / "rl.db", ratelimit=ratelimit)
        app = App(settings=settings, root=tmp_path)
        app.on_startup(create_app_schema)
        app.include_router(demo_router())
        return app

    return factory


@pytest.fixture
def make_client(make_app: Callable[..., App]) -> Iterator[ClientFactory]:
    with ExitStack() as opened:

        def factory(client: tuple[str, int] = ("10.0.0.1", 5000), **ratelimit: Any) -> TestClient:
            app = make_app(**ratelimit)
            return opened.enter_context(
                TestClient(app, raise_server_exceptions=False, client=client)
            )

        yield factory


def concurrent_guesses(client: TestClient, ips: list[str], email: str) -> list[int]:
    """Status codes of one wrong guess per entry of ``ips``, all in flight at once."""

    async def fire() -> list[int]:
        transport = httpx.ASGITransport(app=client.app, client=(PROXY, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            responses = await asyncio.gather(
                *(
                    http.post(
                        "/login",
                        json={"email": email, "password": "guess"},
                        headers={"X-Forwarded-For": ip},
                    )
                    for ip in ips
                )
            )
        return [response.status_code for response in responses]

    portal = client.portal
    assert portal is not None
    return portal.call(fire)
