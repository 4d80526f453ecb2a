"""The database schema of a test run: every table the app and its extensions use.

A real database is built by migrations (``shipyard db upgrade``). A test database is
thrown away, so :func:`prepare_test_database` gives it the schema once per test session:
through the project's migrations when it has a migrations folder (so they are tested
too), otherwise straight from the models (:func:`create_schema`, like pytest-django's
``--no-migrations``). The pytest plugin's ``started_app`` fixture calls it.

A PostgreSQL test database that does not exist yet is created first (the server's user
needs ``CREATEDB``). After the migrations, the models are compared with the database: a
table or column that no migration creates is a :class:`MissingMigration` naming it and
the command that writes the migration, rather than a "no such table" in some test. Only
the project's own models count (those defined in files under the app's root): a model
imported from elsewhere, a library's or another test suite's, is not this project's to
migrate.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shipyard.core.app import AppBase
from shipyard.db.branches import app_objects_only
from shipyard.db.database import Database, is_memory
from shipyard.db.extension import get_database
from shipyard.db.migrations import Migrations
from shipyard.db.model import Model, framework_metadata
from shipyard.errors import ShipyardError

MAINTENANCE_DATABASE = "postgres"
"""The database a PostgreSQL server always has, to connect to while creating another."""

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


class MissingMigration(ShipyardError):
    """The models declare tables or columns that the project's migrations do not create."""


async def prepare_test_database(app: AppBase, database: Database) -> None:
    """Give the test database its schema, once per database per test session."""
    url = database.engine.url.render_as_string(hide_password=False)
    if url in _prepared:
        return
    migrations = Migrations.for_app(app)
    if is_memory(database.engine.url) or not (migrations.directory / "env.py").is_file():
        await create_schema(database)  # a memory database is private to its engine
        return
    if database.backend == "postgresql":
        await ensure_postgres_database(url)
    await asyncio.to_thread(migrations.upgrade)
    async with database.engine.connect() as connection:
        missing = await connection.run_sync(_unmigrated, migrations, project_tables(app.root))
    if missing:
        raise MissingMigration(
            f"no migration creates {', '.join(missing)} of the models",
            hint='write it with `shipyard db revision --autogenerate -m "add ..."`, '
            "review it, then run the tests again",
        )
    _prepared.add(url)


async def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` unless it exists."""
    target = make_url(url)
    name = target.database
    if not name:
        raise ShipyardError(f"the test database URL names no database: {target!r}")
    admin = create_async_engine(
        target.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if exists is None:
                quoted = connection.dialect.identifier_preparer.quote_identifier(name)
                await connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        await admin.dispose()


def project_tables(root: Path) -> set[str]:
    """The tables of the models defined in files under ``root`` (the project's own)."""
    root = root.resolve()
    tables: set[str] = set()
    for mapper in Model.registry.mappers:
        module = sys.modules.get(mapper.class_.__module__)
        source = getattr(module, "__file__", None)
        if source is not None and Path(source).resolve().is_relative_to(root):
            tables |= {table.name for table in mapper.tables}
    return tables


def _unmigrated(connection: Connection, migrations: Migrations, tables: set[str]) -> list[str]:
    """Tables and columns of ``tables`` that the database lacks (``run_sync``)."""
    context = MigrationContext.configure(
        connection, opts={"include_object": app_objects_only(migrations.branches)}
    )
    missing: list[str] = []
    for difference in compare_metadata(context, Model.metadata):
        change: Any = difference
        if change[0] == "add_table" and change[1].name in tables:
            missing.append(f"table {change[1].name!r}")
        elif change[0] == "add_column" and change[2] in tables:
            missing.append(f"column {change[2]}.{change[3].name}")
    return missing


async def create_app_schema(app: AppBase) -> None:
    """``app.on_startup(create_app_schema)``: a hand-built test app's schema before use."""
    await create_schema(get_database(app))
