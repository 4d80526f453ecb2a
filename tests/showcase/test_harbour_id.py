"""The showcase's "Continue with Harbour ID": a real sign-up through the local OpenID
provider that ``make demo`` starts (``scripts/harbour_id.sh``, the development profile)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import httpx
import pytest
from tests.oauth.driver import follow_provider

from shipyard.db.migrations import Migrations
from shipyard.testing.services import free_port, running_server, unavailable

from .conftest import SHOWCASE, Showcase

SCRIPT = SHOWCASE / "scripts" / "harbour_id.sh"
PROVIDER_MODULES = SHOWCASE.parents[1] / "tests" / "oauth" / "provider" / "node_modules"
CALLBACK = "http://testserver/auth/oauth/harbour/callback"


async def test_sign_up_with_harbour_id_in_development(
    showcase: Showcase,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if shutil.which("node") is None or not PROVIDER_MODULES.is_dir():
        unavailable("Harbour ID needs node and `npm ci --prefix tests/oauth/provider`")
    port = free_port()
    env = {
        **os.environ,
        "HARBOUR_PORT": str(port),
        "HARBOUR_REDIRECT_URIS": CALLBACK,
        "HARBOUR_JWKS": str(tmp_path / "jwks.json"),
    }
    discovery = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    monkeypatch.setenv("SHIPYARD_DATABASE__URL", database_url)
    monkeypatch.setenv("SHIPYARD_MAIL__FILE_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("SHIPYARD_CONFIG__HOT_RELOAD", "false")
    monkeypatch.setenv("SHIPYARD_OAUTH__PROVIDERS__HARBOUR__DISCOVERY_URL", discovery)
    with running_server([str(SCRIPT)], probe=discovery, log=tmp_path / "harbour.log", env=env):
        app = showcase.create_app(profile="development")
        Migrations.for_app(app).upgrade()
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
                login = await web.get("/account/login")
                assert "Continue with Harbour ID" in login.text
                assert "/auth/oauth/harbour/start" in login.text
                started = await web.get("/auth/oauth/harbour/start", params={"intent": "login"})
                assert started.status_code == 303, started.text
                with httpx.Client(timeout=10) as browser:
                    back = await asyncio.to_thread(
                        follow_provider, browser, started.headers["location"], "mate@harbour.test"
                    )
                assert back.startswith(CALLBACK)
                landed = await web.get(back.removeprefix("http://testserver"))
                assert landed.status_code == 303, landed.text
                account = await web.get("/account/")
    assert account.status_code == 200, account.text
    assert "mate@harbour.test" in account.text
