"""Fixtures of the body-limit tests: the plugin's ``client`` on the body-limit test app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.web.bodies.bodyapp import make_app

from shipyard import App
from shipyard.core.app import AppBase
from shipyard.testing import ShipyardClient


@pytest.fixture
def app(tmp_path: Path) -> App:
    """The body-limit test app on a SQLite file (overrides the web tests' app)."""
    return make_app(f"sqlite+aiosqlite:///{tmp_path / 'bodies.db'}", tmp_path)


@pytest.fixture
async def client(started_app: AppBase) -> AsyncIterator[ShipyardClient]:
    """The plugin's in-process client (overrides the web tests' plain one)."""
    async with ShipyardClient(started_app) as http:
        yield http
