"""An App serving ``/vessels`` and ``/harbours`` through ``Resource.router``, per backend.

``database`` (SQLite and real PostgreSQL) comes from tests/db/conftest.py. Creating
vessels needs the header ``X-Role: captain`` (a ``dependencies_for`` check).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import Depends, Header
from pydantic import SecretStr
from sqlalchemy.orm import joinedload, selectinload
from tests.api.resource.models import (
    HarbourIn,
    HarbourOut,
    ResourceHarbour,
    ResourceSailor,
    ResourceVessel,
    VesselCreate,
    VesselOut,
    VesselUpdate,
)
from tests.db.conftest import database, db_settings, postgres_database_url, postgres_databases

from shipyard import App, Settings
from shipyard.api.query import Listing
from shipyard.api.resource import Resource
from shipyard.config.models import AppSettings
from shipyard.db import DATABASE, Database
from shipyard.web import HTTPProblem

__all__ = ["database", "db_settings", "postgres_database_url", "postgres_databases"]

vessels = Resource(
    ResourceVessel,
    listing=Listing(
        ResourceVessel,
        sortable=["name", "tonnage", "harbour.name"],
        filterable=["name", "tonnage", "harbour.name"],
        selectable=["id", "name", "tonnage", "harbour.name"],
        joins=["harbour"],
        default_sort=["name"],
    ),
    schema_out=VesselOut,
    schema_create=VesselCreate,
    schema_update=VesselUpdate,
    load=[joinedload(ResourceVessel.harbour), selectinload(ResourceVessel.crew)],
    label="vessel",
)
harbours = Resource(
    ResourceHarbour,
    listing=Listing(ResourceHarbour, sortable=["name"]),
    schema_out=HarbourOut,
    schema_create=HarbourIn,
    schema_update=HarbourIn,
    label="harbour",
)


def captain_only(x_role: str | None = Header(default=None)) -> None:
    if x_role != "captain":
        raise HTTPProblem(403, detail="Only captains add vessels.")


def make_app(database: Database, root: Path) -> App:
    settings = Settings(
        profile="test", app=AppSettings(secret_key=SecretStr("resource-test-secret-0123456789"))
    )
    app = App(settings=settings, root=root)
    DATABASE.provide(app, database)
    app.include_router(
        vessels.router("/vessels", dependencies_for={"create": [Depends(captain_only)]})
    )
    app.include_router(harbours.router("/harbours"))
    return app


async def seed(database: Database, count: int) -> None:
    """``count`` vessels ``v00``... in two harbours, two sailors each."""
    async with database.sessionmaker() as session, session.begin():
        north, south = ResourceHarbour(name="North"), ResourceHarbour(name="South")
        session.add_all([north, south])
        for index in range(count):
            vessel = ResourceVessel(
                name=f"v{index:02d}",
                tonnage=None if index % 5 == 0 else index * 10,
                harbour=north if index % 2 else south,
                crew=[ResourceSailor(name=f"s{index}a"), ResourceSailor(name=f"s{index}b")],
            )
            session.add(vessel)


@pytest.fixture
async def client(database: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(database, tmp_path), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
