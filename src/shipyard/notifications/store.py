"""In-app notifications: the ``shipyard_notifications`` table and its queries.

One row per notification a user received through the ``database`` channel: its type,
title, body, link and when it was read (NULL: unread). Every query is scoped to one
user: a notification id of someone else's is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.model import UtcDateTime, framework_metadata
from shipyard.notifications.deliveries import deliveries_table
from shipyard.notifications.preferences import optouts_table

notifications_table = Table(
    "shipyard_notifications",
    framework_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False),
    Column("kind", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("url", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("read_at", UtcDateTime(), nullable=True),
)
Index(None, notifications_table.c.user_id, notifications_table.c.read_at)

NOTIFICATION_MIGRATIONS = MigrationBranch.declare(
    "shipyard_notifications",
    Path(__file__).parent / "migrations",
    notifications_table,
    optouts_table,
    deliveries_table,
)
"""The migrations of ``shipyard_notifications``, ``shipyard_notification_optouts`` and
``shipyard_notification_deliveries``."""


@dataclass(frozen=True)
class StoredNotification:
    """One row of a user's notifications."""

    id: int
    kind: str
    title: str
    body: str
    url: str | None
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        """True until the user marks it read."""
        return self.read_at is None


async def store(
    session: AsyncSession, user_id: int, kind: str, title: str, body: str, url: str | None
) -> int:
    """Insert one unread notification; its id."""
    result = await session.execute(
        insert(notifications_table)
        .values(user_id=user_id, kind=kind, title=title, body=body, url=url, created_at=utc_now())
        .returning(notifications_table.c.id)
    )
    return int(result.scalar_one())


async def unread_count(session: AsyncSession, user_id: int) -> int:
    """How many of the user's notifications are unread."""
    table = notifications_table
    statement = select(func.count()).where(table.c.user_id == user_id, table.c.read_at.is_(None))
    return int((await session.execute(statement)).scalar_one())


async def latest(session: AsyncSession, user_id: int, limit: int = 20) -> list[StoredNotification]:
    """The user's newest notifications, newest first."""
    table = notifications_table
    statement = (
        select(
            table.c.id,
            table.c.kind,
            table.c.title,
            table.c.body,
            table.c.url,
            table.c.created_at,
            table.c.read_at,
        )
        .where(table.c.user_id == user_id)
        .order_by(table.c.id.desc())
        .limit(limit)
    )
    return [StoredNotification(**row._asdict()) for row in await session.execute(statement)]


async def mark_read(session: AsyncSession, user_id: int, notification_id: int) -> bool:
    """Mark one of the user's notifications read; False when they have no such one."""
    table = notifications_table
    result = await session.execute(
        update(table)
        .where(table.c.id == notification_id, table.c.user_id == user_id)
        .values(read_at=func.coalesce(table.c.read_at, utc_now()))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_all_read(session: AsyncSession, user_id: int) -> int:
    """Mark every unread notification of the user read; how many there were."""
    table = notifications_table
    result = await session.execute(
        update(table)
        .where(table.c.user_id == user_id, table.c.read_at.is_(None))
        .values(read_at=utc_now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def delete_read_before(session: AsyncSession, age: timedelta) -> int:
    """Retention: delete notifications read more than ``age`` ago; how many."""
    table = notifications_table
    result = await session.execute(delete(table).where(table.c.read_at < utc_now() - age))
    return int(result.rowcount)  # type: ignore[attr-defined]
