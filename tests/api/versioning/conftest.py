"""Fixtures for the versioning tests: an App with three API versions, v1 deprecated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from shipyard import App, Settings
from shipyard.api.versioning import ApiVersion, ApiVersioning, VersionedRouter, versions
from shipyard.config.models import ApiSettings, DeprecationPolicy

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
SUNSET = datetime(2026, 11, 1, 12, 30, tzinfo=UTC)
AppFactory = Callable[..., App]


class ShipV1(BaseModel):
    name: str


class ShipV2(BaseModel):
    name: str
    tonnage: int


def api_settings(**overrides: Any) -> ApiSettings:
    values: dict[str, Any] = {
        "vendor": "acme",
        "versions": ["1", "2", "3"],
        "default_version": "2",
        "deprecated": {
            "1": DeprecationPolicy(
                since=SINCE,
                sunset=SUNSET,
                successor="2",
                link="https://acme.example/api/v1-retirement",
            )
        },
    }
    values.update(overrides)
    return ApiSettings(**values)


def ship_router() -> VersionedRouter:
    router = VersionedRouter(prefix="/ships", tags=["ships"])

    @router.get("")
    @versions("1")
    async def list_ships_v1() -> list[ShipV1]:
        return [ShipV1(name="Endeavour")]

    @router.get("")
    @versions("2", "3")
    async def list_ships_v2(version: ApiVersion) -> list[ShipV2]:
        return [ShipV2(name=f"Endeavour (v{version})", tonnage=366)]

    @router.post("", status_code=201)
    @versions("3")
    async def create_ship(ship: ShipV2) -> ShipV2:
        return ship

    @router.get("/{ship_id}")
    async def get_ship(ship_id: int, version: ApiVersion) -> dict[str, Any]:
        return {"id": ship_id, "version": version}

    return router


@pytest.fixture
def make_app() -> AppFactory:
    def factory(**api: Any) -> App:
        settings = Settings(profile="test", api=api_settings(**api))
        app = App(settings=settings, extensions=[ApiVersioning()])
        app.include_router(ship_router(), prefix="/api")

        @app.get("/plain")
        async def plain() -> dict[str, str]:
            return {"plain": "yes"}

        @app.get("/plain-versioned")
        async def plain_versioned(version: ApiVersion) -> dict[str, str]:
            return {"version": version}

        return app

    return factory


@pytest.fixture
def app(make_app: AppFactory) -> App:
    return make_app()


def client_for(app: App) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def get(app: App, path: str, accept: str | None = None) -> httpx.Response:
    """GET ``path`` with ``Accept: accept``; ``None`` sends no Accept header at all."""
    async with client_for(app) as http:
        if accept is None:
            del http.headers["accept"]
            return await http.get(path)
        return await http.get(path, headers={"Accept": accept})
