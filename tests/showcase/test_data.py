"""The showcase's migrations and seed data, as `make demo` runs them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from httpx import AsyncClient
from sqlalchemy import Connection, inspect

from shipyard.app import App
from shipyard.db import Model, get_database
from shipyard.db.migrations import Migrations
from shipyard.db.seeds import run_seed

from .conftest import Showcase


def _model_diff(connection: Connection, tables: set[str]) -> list[Any]:
    def only_showcase(_: Any, name: str | None, type_: str, *__: Any) -> bool:
        return type_ != "table" or name in tables

    context = MigrationContext.configure(
        connection, opts={"include_object": only_showcase, "compare_type": True}
    )
    return list(compare_metadata(context, Model.metadata))


ACCOUNT_TABLES = {
    "users",
    "roles",
    "user_roles",
    "api_keys",
    "shipyard_refresh_tokens",
    "shipyard_revoked_tokens",
}
"""The framework's account and token tables the showcase migrates (it enables both)."""


async def test_migrations_match_the_models(showcase: Showcase, started_app: App) -> None:
    tables = {table.name for table in showcase.tables} | ACCOUNT_TABLES
    assert "ships" in tables

    async with get_database(started_app).engine.connect() as connection:
        diff = await connection.run_sync(_model_diff, tables)

    assert diff == []


async def test_downgrade_to_base_drops_the_tables(app: App) -> None:
    Migrations.for_app(app).downgrade("base")

    async with (
        app.router.lifespan_context(app),
        get_database(app).engine.connect() as connection,
    ):
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())

    assert "ships" not in names
    assert not ACCOUNT_TABLES & set(names)


async def test_seed_adds_the_fleet_once(
    showcase: Showcase, started_app: App, client: AsyncClient
) -> None:
    database = get_database(started_app)

    await run_seed(database, showcase.seed)
    await run_seed(database, showcase.seed)

    names = [ship["name"] for ship in (await client.get("/api/ships")).json()]
    assert names == ["Beagle", "Endeavour", "Fram", "Kon-Tiki"]


async def test_seed_keeps_ships_added_by_hand(
    showcase: Showcase, started_app: App, client: AsyncClient, api: AsyncClient
) -> None:
    await api.post("/api/ships", json={"name": "Fram"})
    await api.post("/api/ships", json={"name": "Nautilus"})

    await run_seed(get_database(started_app), showcase.seed)

    names = sorted(ship["name"] for ship in (await client.get("/api/ships")).json())
    assert names == ["Beagle", "Endeavour", "Fram", "Kon-Tiki", "Nautilus"]
