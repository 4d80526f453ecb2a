"""Delivery tracking: which channels a notification reached, per user, and by what.

One row per (batch, user, channel) in ``shipyard_notification_deliveries``: a batch is
one :func:`~shipyard.notifications.sender.notify` call (a queued type keeps its batch
key across the job's retries). ``status`` is ``delivered`` (the stored row, the live
event) or ``queued`` (mail and webhooks, which their own jobs send: ``reference`` is that
job's id, whose outcome the jobs dashboard and the mail delivery log show); the stored
row's id is the ``database`` channel's reference. A retry of a queued delivery reads the
batch's rows first and skips the channels already done, so nobody gets the same
notification twice on a channel after a failure on another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Column, Integer, String, Table, UniqueConstraint, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.clock import utc_now
from shipyard.db.model import UtcDateTime, framework_metadata

Status = Literal["delivered", "queued"]

deliveries_table = Table(
    "shipyard_notification_deliveries",
    framework_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch", String(64), nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("kind", String(200), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reference", String(64), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("batch", "user_id", "channel", name="uq_shipyard_notification_deliveries"),
)


@dataclass(frozen=True)
class DeliveryRecord:
    """One channel of one notification to one user."""

    batch: str
    user_id: int
    kind: str
    channel: str
    status: str
    reference: str | None
    created_at: datetime


async def done_channels(session: AsyncSession, batch: str, user_id: int) -> dict[str, str | None]:
    """The channels of ``batch`` already delivered (or queued) to ``user_id``, with their
    references."""
    table = deliveries_table
    rows = await session.execute(
        select(table.c.channel, table.c.reference).where(
            table.c.batch == batch, table.c.user_id == user_id
        )
    )
    return {row.channel: row.reference for row in rows}


async def record(
    session: AsyncSession,
    *,
    batch: str,
    user_id: int,
    kind: str,
    channel: str,
    status: Status,
    reference: object = None,
) -> None:
    """Record that ``channel`` of ``batch`` reached ``user_id``."""
    await session.execute(
        insert(deliveries_table).values(
            batch=batch,
            user_id=user_id,
            kind=kind,
            channel=channel,
            status=status,
            reference=None if reference is None else str(reference),
            created_at=utc_now(),
        )
    )


async def recent_deliveries(
    session: AsyncSession, *, user_id: int | None = None, limit: int = 50
) -> list[DeliveryRecord]:
    """The newest delivery rows, of one user or everyone."""
    table = deliveries_table
    query = select(table).order_by(table.c.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(table.c.user_id == user_id)
    rows = (await session.execute(query)).all()
    return [
        DeliveryRecord(
            row.batch, row.user_id, row.kind, row.channel, row.status, row.reference,
            row.created_at,
        )
        for row in rows
    ]  # fmt: skip


async def delete_deliveries_before(session: AsyncSession, age: timedelta) -> int:
    """Retention: delete delivery rows older than ``age``; how many."""
    table = deliveries_table
    result = await session.execute(delete(table).where(table.c.created_at < utc_now() - age))
    return int(result.rowcount)  # type: ignore[attr-defined]
