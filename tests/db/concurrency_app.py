"""A small app whose routes write one SQLite file concurrently, served with 2 workers.

``tests/db/test_sqlite_server.py`` runs it under ``uvicorn --workers 2``; the database file
comes from ``CONCURRENCY_DATABASE`` (its table is created by the test before the server
starts). Every answer names the worker process that served it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import Connection, Table, select, update
from sqlalchemy.orm import Mapped, mapped_column

from shipyard import App, Settings
from shipyard.config.models import DatabaseSettings, RateLimitSettings
from shipyard.db import DbSession, Model

DATABASE_ENV = "CONCURRENCY_DATABASE"


class Counter(Model):
    __tablename__ = "concurrency_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


def create_table(connection: Connection) -> None:
    """Create the counters table (and nothing else of ``Model.metadata``)."""
    table = Counter.__table__
    assert isinstance(table, Table)
    Counter.metadata.create_all(connection, tables=[table])


router = APIRouter()


@router.post("/counters/{counter_id}/bump")
async def bump(counter_id: int, session: DbSession) -> dict[str, int]:
    """Read FOR UPDATE, think, write: exact even when every request bumps the same row."""
    counter = await session.get_one(Counter, counter_id, with_for_update=True)
    await asyncio.sleep(0.005)  # other requests want the same row meanwhile
    counter.count += 1
    return {"pid": os.getpid()}


@router.post("/counters/{counter_id}/touch")
async def touch(counter_id: int, session: DbSession) -> dict[str, int]:
    """A plain read, then a write: what deadlocked on a deferred BEGIN."""
    counter = await session.get_one(Counter, counter_id)
    await asyncio.sleep(0.005)  # other requests read and write meanwhile
    counter.count += 1
    return {"pid": os.getpid()}


@router.post("/counters/{counter_id}/add")
async def add(counter_id: int, session: DbSession) -> dict[str, int]:
    """One atomic UPDATE statement."""
    await session.execute(
        update(Counter).where(Counter.id == counter_id).values(count=Counter.count + 1)
    )
    return {"pid": os.getpid()}


@router.get("/counters")
async def counters(session: DbSession) -> dict[str, int]:
    """Every counter (read-only)."""
    rows = await session.execute(select(Counter.id, Counter.count))
    return {str(counter_id): count for counter_id, count in rows}


def build_app() -> App:
    database = Path(os.environ[DATABASE_ENV])
    settings = Settings(
        profile="test",
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{database}"),
        ratelimit=RateLimitSettings(enabled=False),
    )
    app = App(settings, root=database.parent)
    app.include_router(router)
    return app


app = build_app() if DATABASE_ENV in os.environ else None
