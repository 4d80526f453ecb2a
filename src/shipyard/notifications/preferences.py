"""Per-user notification preferences: which channels a user turned off, per type.

``shipyard_notification_optouts`` holds one row per (user, type, channel) the user does
not want; everything else is on. :func:`notify` drops the channels a user opted out of
(:func:`opted_out`); the preferences page reads and replaces them (:func:`set_optouts`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.db.model import framework_metadata

optouts_table = Table(
    "shipyard_notification_optouts",
    framework_metadata,
    Column("user_id", Integer, nullable=False),
    Column("kind", String(200), nullable=False),
    Column("channel", String(16), nullable=False),
    PrimaryKeyConstraint("user_id", "kind", "channel"),
)


async def opted_out(session: AsyncSession, user_id: int) -> set[tuple[str, str]]:
    """The (type, channel) pairs ``user_id`` turned off."""
    table = optouts_table
    rows = await session.execute(
        select(table.c.kind, table.c.channel).where(table.c.user_id == user_id)
    )
    return {(str(kind), str(channel)) for kind, channel in rows}


async def set_optouts(
    session: AsyncSession, user_id: int, kinds: Iterable[str], off: Iterable[tuple[str, str]]
) -> None:
    """Replace the user's opt-outs of ``kinds`` with ``off`` (pairs of those kinds)."""
    table = optouts_table
    listed = list(kinds)
    await session.execute(delete(table).where(table.c.user_id == user_id, table.c.kind.in_(listed)))
    rows = [
        {"user_id": user_id, "kind": kind, "channel": channel}
        for kind, channel in sorted(set(off))
        if kind in listed
    ]
    if rows:
        await session.execute(insert(table), rows)
