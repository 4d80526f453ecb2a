"""Fixtures for the web layer tests: an App with its own template and static directories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from shipyard import App, Settings
from shipyard.config.models import AppSettings
from shipyard.testing.schema import create_app_schema

AppFactory = Callable[..., App]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """Build an App whose own templates/ and static/ directories live under tmp_path."""

    def factory(profile: str = "test", debug: bool = False) -> App:
        # testserver: the host of the test clients, which production does not allow unasked
        app_settings = AppSettings(name="Web test", debug=debug, allowed_hosts=["testserver"])
        settings = Settings(profile=profile, app=app_settings)
        app = App(settings=settings, root=tmp_path)
        app.on_startup(create_app_schema)
        app.add_template_dir(tmp_path / "templates", override=True)
        app.add_static_dir(tmp_path / "static", override=True)
        return app

    return factory


@pytest.fixture
def app(make_app: AppFactory) -> App:
    return make_app()


def client_for(app: App, *, raise_errors: bool = True) -> httpx.AsyncClient:
    """An HTTP client calling ``app`` in-process; ``raise_errors=False`` to see 500 pages."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_errors)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, raise_errors=False) as http:
        yield http


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    return tmp_path / "templates"


@pytest.fixture
def static(tmp_path: Path) -> Path:
    return tmp_path / "static"


async def get(app: App, path: str, **kwargs: Any) -> httpx.Response:
    """One GET request to ``app`` (errors in the app propagate)."""
    async with client_for(app) as http:
        return await http.get(path, **kwargs)
