"""The built-in ``database`` extension: one :class:`Database` per running app.

Setup fills the ``database`` middleware slot with the request's shared, lazily opened
session (:mod:`shipyard.db.request`).
Startup builds the engine for ``app.settings.database`` (no connection is opened until
the first query) and publishes it as the app's :data:`DATABASE` service; shutdown
disposes of the pool. :func:`get_database` finds it again from any FastAPI/Starlette app
(a plain one included: ``DATABASE.provide(app, Database(...))``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends
from starlette.applications import Starlette

from shipyard.core.checks import Finding
from shipyard.core.health import ReadinessCheck
from shipyard.core.services import Service
from shipyard.db.database import Database
from shipyard.db.request import RequestSessionMiddleware
from shipyard.errors import ShipyardError
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

DATABASE = Service("database", Database, "database", started_by="the database extension")
"""The app's :class:`Database`."""


class DatabaseExtension(Extension):
    """Creates the app's :class:`Database` at startup and disposes of it at shutdown."""

    name = "database"

    def setup(self, app: AppBase) -> None:
        app.use_middleware("database", RequestSessionMiddleware, database=get_database)

    async def startup(self, app: AppBase) -> None:
        DATABASE.provide(app, Database(app.settings.database, app.root))

    async def shutdown(self, app: AppBase) -> None:
        database = DATABASE.find(app)
        if database is not None:
            DATABASE.withdraw(app, database)
            await database.dispose()

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        url = app.settings.database.url.get_secret_value()
        if deploy and url.startswith("sqlite"):
            yield Finding(
                "db.W001",
                "warning",
                "the database is SQLite: one machine, one writer at a time",
                "set database.url to a PostgreSQL URL (postgresql+asyncpg://...) to go live; "
                "to keep SQLite: one machine, its file on a persistent disk (var/ is a volume "
                "in the scaffolded deployments), backups (sqlite3 .backup), few processes",
            )
            yield from _sqlite_processes(app)
        yield from _migration_findings(app)

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        database = get_database(app)

        async def answers() -> None:
            async with database.engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")

        yield ReadinessCheck("database", answers)
        yield ReadinessCheck("migrations", MigrationsApplied(app))


class MigrationsApplied:
    """A readiness probe: fails while migrations are pending; passes for good once up to date.

    A process does not go back to needing a migration it found applied (new migrations
    come with new code, in a new process), so after one success it answers at once.
    """

    def __init__(self, app: AppBase) -> None:
        self.app = app
        self.confirmed = False

    async def __call__(self) -> None:
        if self.confirmed:
            return
        from shipyard.db.migrations import Migrations

        migrations = Migrations.for_app(self.app)
        if (migrations.directory / "env.py").is_file():
            pending = await asyncio.to_thread(migrations.pending)
            if pending:
                raise ShipyardError(
                    f"{len(pending)} migration(s) not applied: {', '.join(pending)}",
                    hint="apply them with `shipyard db upgrade`",
                )
        self.confirmed = True


def _migration_findings(app: AppBase) -> Iterable[Finding]:
    """db.W002 when migrations are not applied; db.W003 when that cannot be known."""
    from shipyard.db.migrations import Migrations

    migrations = Migrations.for_app(app)
    if not (migrations.directory / "env.py").is_file():
        return
    try:
        pending = migrations.pending()
    except ShipyardError as exc:
        yield Finding(
            "db.W003",
            "warning",
            f"could not compare the database with the migrations: {exc.message}",
            exc.hint or "check database.url",
        )
        return
    if pending:
        yield Finding(
            "db.W002",
            "warning",
            f"{len(pending)} migration(s) not applied: {', '.join(pending)}",
            "apply them with `shipyard db upgrade`",
        )


def get_database(app: Starlette) -> Database:
    """The :class:`Database` of a started app."""
    return DATABASE.get(app)


DatabaseDep = Annotated[Database, Depends(DATABASE.dependency)]
"""The :class:`Database` of the app serving the request, as a dependency."""


def _sqlite_processes(app: AppBase) -> Iterator[Finding]:
    """``db.W004``: several processes writing one SQLite file wait on each other's lock."""
    settings = app.settings
    processes = settings.server.workers or os.cpu_count() or 1
    if settings.jobs.backend == "database":
        processes += 1  # `shipyard jobs worker` writes the jobs table
    if processes > 1:
        yield Finding(
            "db.W004",
            "warning",
            f"about {processes} processes write the SQLite file (server.workers = "
            f"{settings.server.workers}, jobs.backend = {settings.jobs.backend!r}): each write "
            f"waits for the others' lock up to database.busy_timeout "
            f"({settings.database.busy_timeout:g} s), then answers 503",
            "use PostgreSQL, or keep writes short and set server.workers = 1 with a "
            "database.busy_timeout of a few seconds",
        )
