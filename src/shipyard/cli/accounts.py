"""Shared plumbing of ``shipyard users`` and ``shipyard roles``: the app's database.

Each command loads the app like the rest of the CLI (``--app``, ``SHIPYARD_APP``,
``[tool.shipyard] app``, ``app.main:app``), opens its :class:`Database`, runs one unit of
work and commits it; an unreachable database or a missing table is one ``error:`` line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.app import AppBase
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine
from shipyard.errors import ShipyardError

T = TypeVar("T")


def in_transaction(
    spec: str | None, profile: str | None, work: Callable[[AppBase, AsyncSession], Awaitable[T]]
) -> T:
    """Run ``work(app, session)`` against the app's database and commit it."""
    app = load_app(spec, profile=profile)

    async def run() -> T:
        database = Database(app.settings.database, app.root)
        try:
            async with database.sessionmaker() as session:
                result = await work(app, session)
                await session.commit()
                return result
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise ShipyardError(
                f"database error at {database.redacted_url}: {reason}",
                hint="run `shipyard db upgrade` to create the users and roles tables",
            ) from exc
        except OSError as exc:
            raise database.unreachable(exc) from exc
        finally:
            await database.dispose()

    return run_coroutine(run)
