"""Fixtures that build the real showcase app (examples/showcase) for its tests.

The showcase is a project like ``shipyard new`` makes, so its package is called ``app``:
the same name as other projects' packages and ``tests/app``. :func:`showcase` imports it
once per session with ``app`` temporarily pointing at the showcase, then gives the name
back and removes the showcase's own tables from the shared model metadata, so nothing
leaks into other tests (framework tables, e.g. ``shipyard_sessions``, stay).

``app`` overrides the Shipyard plugin's fixture: the showcase with the ``test`` profile,
its database a fresh SQLite file migrated with the showcase's own migrations, its mail
(the ``file`` backend) in ``mail_dir``. ``api`` is a client with a bearer token of a user
allowed ``ships:*``; ``member`` a client logged in through the login form (no roles);
``skipper`` one logged in the same way whose role grants ``ships:*``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import cast

import httpx
import pytest
from sqlalchemy import Table

from shipyard.app import App
from shipyard.db import Model
from shipyard.db.migrations import Migrations
from shipyard.db.seeds import SeedFunction

from .accounts import access_token, add_user, log_in

SHOWCASE = Path(__file__).resolve().parents[2] / "examples" / "showcase"
PACKAGE = "app"


@dataclass(frozen=True)
class Showcase:
    """The imported showcase: its app factory, seed function and tables."""

    create_app: Callable[..., App]
    seed: SeedFunction
    tables: tuple[Table, ...]


def _package_modules() -> dict[str, ModuleType]:
    return {
        name: module
        for name, module in sys.modules.items()
        if name == PACKAGE or name.startswith(PACKAGE + ".")
    }


@pytest.fixture(scope="session")
def showcase() -> Iterator[Showcase]:
    """Import the showcase's ``app`` package without leaving it in ``sys.modules``."""
    before = set(Model.registry.mappers)
    saved = _package_modules()
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(SHOWCASE))
    try:
        main = importlib.import_module(f"{PACKAGE}.main")
        seeds = importlib.import_module(f"{PACKAGE}.seeds")
    finally:
        sys.path.remove(str(SHOWCASE))
        for name in _package_modules():
            del sys.modules[name]
        sys.modules.update(saved)
    tables = tuple(
        cast("Table", mapper.local_table)
        for mapper in Model.registry.mappers - before
        if mapper.class_.__module__.startswith(PACKAGE + ".")
    )
    yield Showcase(
        create_app=cast("Callable[..., App]", main.create_app),
        seed=cast("SeedFunction", seeds.seed),
        tables=tables,
    )
    for table in tables:
        Model.metadata.remove(table)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite database for one test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'showcase.db'}"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    """Where the app's file mailer writes its ``.eml`` files in one test."""
    return tmp_path / "mail"


@pytest.fixture
def app(
    showcase: Showcase, database_url: str, mail_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> App:
    """The showcase app (``test`` profile) on a fresh database, migrated to head."""
    monkeypatch.setenv("SHIPYARD_DATABASE__URL", database_url)
    monkeypatch.setenv("SHIPYARD_MAIL__FILE_DIR", str(mail_dir))
    monkeypatch.setenv("SHIPYARD_STORAGE__ROOT", str(mail_dir.parent / "storage"))
    application = showcase.create_app(profile="test")
    Migrations.for_app(application).upgrade()
    return application


def _client(app: App) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def api(started_app: App) -> AsyncIterator[httpx.AsyncClient]:
    """A client sending the bearer token of ``captain@example.test`` (``ships:*``)."""
    await add_user(started_app, "captain@example.test", permissions=["ships:*"])
    async with _client(started_app) as http:
        token = await access_token(http, "captain@example.test")
        http.headers["Authorization"] = f"Bearer {token}"
        yield http


@pytest.fixture
async def member(started_app: App) -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in as ``member@example.test`` (no roles) with the login form."""
    await add_user(started_app, "member@example.test")
    async with _client(started_app) as http:
        await log_in(http, "member@example.test")
        yield http


@pytest.fixture
async def skipper(started_app: App) -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in as ``skipper@example.test`` (a role with ``ships:*``)."""
    await add_user(started_app, "skipper@example.test", permissions=["ships:*"])
    async with _client(started_app) as http:
        await log_in(http, "skipper@example.test")
        yield http
