"""The built-in ``database`` extension: one :class:`Database` per running app.

Startup builds the engine for ``app.settings.database`` (no connection is opened until
the first query) and publishes it as ``app.state.db``; shutdown disposes of the pool.
:func:`get_database` finds it again from any FastAPI/Starlette app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette

from shipyard.db.database import Database
from shipyard.errors import ShipyardError
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.app import App


class DatabaseExtension(Extension):
    """Creates the app's :class:`Database` at startup and disposes of it at shutdown."""

    name = "database"

    async def startup(self, app: App) -> None:
        app.state.db = Database(app.settings.database, app.root)

    async def shutdown(self, app: App) -> None:
        database = getattr(app.state, "db", None)
        if isinstance(database, Database):
            del app.state.db
            await database.dispose()


def get_database(app: Starlette) -> Database:
    """The :class:`Database` of a started app (``app.state.db``)."""
    database = getattr(app.state, "db", None)
    if not isinstance(database, Database):
        raise ShipyardError(
            "this app has no database yet: it is created when the app starts",
            hint="run the app's lifespan (e.g. `async with app.router.lifespan_context(app)`)"
            " or set app.state.db = Database(...) on a plain FastAPI app",
        )
    return database
