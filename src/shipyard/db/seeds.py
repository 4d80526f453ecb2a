"""Seed data: ``shipyard db seed`` runs ``async def seed(session)`` from the app's seeds file.

The file is ``app/seeds.py`` under the project root unless another path is given. The
session is committed after ``seed`` returns and rolled back if it raises.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.db.database import Database
from shipyard.errors import ShipyardError

DEFAULT_SEEDS = Path("app/seeds.py")
MODULE_NAME = "shipyard_seeds"
SeedFunction = Callable[[AsyncSession], Awaitable[None]]
EXPECTED = "define `async def seed(session: AsyncSession) -> None` in it"


def load_seed(path: Path) -> SeedFunction:
    """Import the seeds file at ``path`` and return its ``seed`` coroutine function."""
    if not path.is_file():
        raise ShipyardError(f"no seeds file at {path}", hint=f"create it and {EXPECTED}")
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    if spec is None or spec.loader is None:
        raise ShipyardError(f"{path} is not a Python file", hint=EXPECTED)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise ShipyardError(
            f"importing {path} raised {type(exc).__name__}: {exc}", hint="fix the seeds file"
        ) from exc
    seed = getattr(module, "seed", None)
    if not inspect.iscoroutinefunction(seed):
        raise ShipyardError(f"{path} has no async function `seed`", hint=EXPECTED)
    return seed


async def run_seed(database: Database, seed: SeedFunction, *, origin: str = "seed()") -> None:
    """Run ``seed`` in one session; commit if it returns, roll back if it raises.

    An exception from the seed code becomes a one-line :class:`ShipyardError` that names
    ``origin`` (e.g. the seeds file).
    """
    try:
        async with database.sessionmaker() as session, session.begin():
            await seed(session)
    except ShipyardError:
        raise
    except Exception as exc:
        detail = str(exc).strip().splitlines()
        raise ShipyardError(
            f"{origin} raised {type(exc).__name__}: {detail[0] if detail else ''}",
            hint="fix the seed function; nothing was written",
        ) from exc
