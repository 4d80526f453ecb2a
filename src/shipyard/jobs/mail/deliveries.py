"""The delivery log of queued mail: ``shipyard_mail_deliveries``, one row per idempotency key.

A queued mail gets a random key when it is queued. Before each attempt the job records
the attempt under that key; once the backend accepted the message the row becomes
``sent``, and a later run of the same job (a retry after a failure that came after the
send, a worker that died before recording success) finds it and sends nothing. The key
is also the message's ``Message-ID``, so if a worker dies between the server's answer
and the commit of ``sent``, the one duplicate that can still happen carries the same id
(receivers and providers dedupe on it).

States: ``sending`` (an attempt is under way or was cut off), ``failed`` (the last
attempt failed; ``last_error`` says why), ``sent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Column, Index, Integer, String, Table, Text, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.model import UtcDateTime, framework_metadata

DeliveryState = Literal["sending", "failed", "sent"]

deliveries_table = Table(
    "shipyard_mail_deliveries",
    framework_metadata,
    Column("key", String(64), primary_key=True),
    Column("mail", String(200), nullable=False),
    Column("recipients", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("message_id", String(255), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
)
Index(None, deliveries_table.c.created_at)

MAIL_MIGRATIONS = MigrationBranch.declare(
    "shipyard_mail", Path(__file__).parent / "migrations", deliveries_table
)
"""The migrations of ``shipyard_mail_deliveries``."""


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log."""

    key: str
    mail: str
    recipients: str
    subject: str
    state: DeliveryState
    attempts: int
    message_id: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


async def get_delivery(session: AsyncSession, key: str) -> Delivery | None:
    """The delivery recorded under ``key``, if any."""
    row = (
        await session.execute(select(deliveries_table).where(deliveries_table.c.key == key))
    ).one_or_none()
    return None if row is None else Delivery(**row._asdict())


async def start_attempt(
    session: AsyncSession, key: str, *, mail: str, recipients: str, subject: str
) -> None:
    """Record that an attempt to send ``key`` starts (creating the row on the first)."""
    table = deliveries_table
    found = await get_delivery(session, key)
    if found is None:
        await session.execute(
            insert(table).values(
                key=key,
                mail=mail,
                recipients=recipients,
                subject=subject,
                state="sending",
                attempts=1,
                created_at=utc_now(),
            )
        )
    else:
        await session.execute(
            update(table)
            .where(table.c.key == key)
            .values(state="sending", attempts=table.c.attempts + 1)
        )
    await session.commit()


async def finish_attempt(
    session: AsyncSession, key: str, *, message_id: str | None = None, error: str | None = None
) -> None:
    """Record the outcome of the attempt: ``sent`` (with the Message-ID) or ``failed``."""
    table = deliveries_table
    if error is None:
        values = {"state": "sent", "message_id": message_id, "sent_at": utc_now()}
    else:
        values = {"state": "failed", "last_error": error[:2000]}
    await session.execute(update(table).where(table.c.key == key).values(**values))
    await session.commit()
