"""Webhook receipts: the ids of the provider events already processed, so a replayed
request (the same SNS MessageId, svix-id, or SendGrid event) is refused.

``shipyard_mail_webhook_receipts`` keeps (provider, event id) with when it came; the
retention of the jobs tables does not touch it (it is small: one row per webhook call).
"""

from __future__ import annotations

from sqlalchemy import Column, PrimaryKeyConstraint, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.clock import utc_now
from shipyard.db.model import UtcDateTime, framework_metadata

receipts_table = Table(
    "shipyard_mail_webhook_receipts",
    framework_metadata,
    Column("provider", String(16), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("provider", "event_id"),
)


async def first_receipt(session: AsyncSession, provider: str, event_id: str) -> bool:
    """Record the event (not committed here); False when it was received before."""
    table = receipts_table
    seen = (
        await session.execute(
            select(table.c.event_id).where(
                table.c.provider == provider, table.c.event_id == event_id[:255]
            )
        )
    ).first()
    if seen is not None:
        return False
    await session.execute(
        insert(table).values(provider=provider, event_id=event_id[:255], received_at=utc_now())
    )
    return True
