"""The database schema of a test run: every table the app and its extensions use.

A real database is built by migrations (``shipyard db upgrade``). A test database is
thrown away, so :func:`prepare_test_database` gives it the schema once per test session:
through the project's migrations when it has a migrations folder (so they are tested
too), otherwise straight from the models (:func:`create_schema`, like pytest-django's
``--no-migrations``). The pytest plugin's ``started_app`` fixture calls it.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Connection

from shipyard.core.app import AppBase
from shipyard.db.database import Database, is_memory
from shipyard.db.extension import get_database
from shipyard.db.migrations import Migrations
from shipyard.db.model import Model, framework_metadata

_prepared: set[str] = set()
"""Database URLs already given their schema in this process (one preparation each)."""


def create_tables(connection: Connection) -> None:
    """Create every missing table of the models and of Shipyard's backends (``run_sync``)."""
    framework_metadata.create_all(connection)
    Model.metadata.create_all(connection)


def drop_tables(connection: Connection) -> None:
    """Drop what :func:`create_tables` creates (``run_sync``)."""
    Model.metadata.drop_all(connection)
    framework_metadata.drop_all(connection)


async def create_schema(database: Database) -> None:
    """Create every missing table of the app's models and of Shipyard's own backends."""
    async with database.engine.begin() as connection:
        await connection.run_sync(create_tables)


async def prepare_test_database(app: AppBase, database: Database) -> None:
    """Give the test database its schema, once per database per test session."""
    url = database.engine.url.render_as_string(hide_password=False)
    if url in _prepared:
        return
    migrations = Migrations.for_app(app)
    if is_memory(database.engine.url) or not (migrations.directory / "env.py").is_file():
        await create_schema(database)  # a memory database is private to its engine
        return
    await asyncio.to_thread(migrations.upgrade)
    _prepared.add(url)


async def create_app_schema(app: AppBase) -> None:
    """``app.on_startup(create_app_schema)``: a hand-built test app's schema before use."""
    await create_schema(get_database(app))
