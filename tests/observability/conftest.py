"""Observability fixtures: an app on a fresh SQLite file, and a captured log stream."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog

from shipyard import App, Settings
from shipyard.observability.logs import configure_logging

AppFactory = Callable[..., App]
HOST = "shop.example"


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """``make_app(profile=..., logging={...}, ...)``: an app whose settings merge these in."""

    def make(profile: str = "production", **sections: Any) -> App:
        settings = Settings.model_validate(
            {
                "profile": profile,
                "app": {
                    "secret_key": "k" * 40,
                    "base_url": f"https://{HOST}",
                    "allowed_hosts": [HOST],
                },
                "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"},
                **sections,
            }
        )
        return App(settings=settings, root=tmp_path)

    return make


class LogLines:
    """What the structured handler wrote, parsed (JSON lines)."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def records(self) -> list[dict[str, Any]]:
        lines = self.stream.getvalue().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def named(self, event: str) -> list[dict[str, Any]]:
        return [record for record in self.records() if record.get("event") == event]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the process's logging back as it was (configure_logging changes globals)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()
    for name in ("uvicorn.access", "sqlalchemy.engine", "alembic"):
        logging.getLogger(name).disabled = False
        logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.fixture
def capture(restore_logging: None) -> Callable[[App], LogLines]:
    """``capture(app)``: route the app's logging (as JSON) into a buffer to read back."""

    def start(app: App) -> LogLines:
        lines = LogLines()
        settings = app.settings.model_copy(
            update={"logging": app.settings.logging.model_copy(update={"format": "json"})}
        )
        configure_logging(settings, lines.stream)
        return lines

    return start


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[App], httpx.AsyncClient]]:
    """``client_for(app)``: an httpx client on the app (its lifespan must be running)."""
    clients: list[httpx.AsyncClient] = []

    def make(app: App) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 5000)),
            base_url=f"https://{HOST}",
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
