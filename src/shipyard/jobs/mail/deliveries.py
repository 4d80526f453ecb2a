"""The delivery log of queued mail: ``shipyard_mail_deliveries``, one row per idempotency key.

A queued mail gets a random key when it is queued. Before each attempt the job records
the attempt under that key; once the backend accepted the message the row becomes
``sent``, and a later run of the same job (a retry after a failure that came after the
send, a worker that died before recording success) finds it and sends nothing. The key
is also the message's ``Message-ID``, so if a worker dies between the server's answer
and the commit of ``sent``, the one duplicate that can still happen carries the same id
(receivers and providers dedupe on it).

States: ``queued`` (stored with its job), ``sending`` (an attempt is under way or was
cut off), ``failed`` (the last attempt failed; ``last_error`` says why), ``suppressed``
(not sent: a recipient is on the suppression list), ``sent`` (the backend accepted it,
``provider_message_id`` is its id there), then what the provider's webhooks and the
tracking report: ``delivered``, ``opened``, ``clicked``, ``bounced``, ``complained``.
A later event never moves a delivery back (an ``opened`` mail reported ``delivered``
late stays ``opened``); bounces and complaints win over the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.model import UtcDateTime, framework_metadata
from shipyard.jobs.mail.receipts import receipts_table
from shipyard.jobs.mail.suppressions import suppressions_table

DeliveryState = Literal[
    "queued",
    "sending",
    "failed",
    "suppressed",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "bounced",
    "complained",
]

TrackedState = Literal["delivered", "opened", "clicked", "bounced", "complained"]
"""The states a webhook or the tracking endpoints report after ``sent``."""

RANK: dict[str, int] = {
    "queued": 0,
    "sending": 1,
    "failed": 1,
    "suppressed": 1,
    "sent": 2,
    "delivered": 3,
    "opened": 4,
    "clicked": 5,
    "bounced": 6,
    "complained": 7,
}
"""A delivery only moves to a state of higher rank."""

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
    Column("provider_message_id", String(255), nullable=True),
    Column("backend", String(32), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=True),
)
Index(None, deliveries_table.c.created_at)
Index(None, deliveries_table.c.provider_message_id)

MAIL_MIGRATIONS = MigrationBranch.declare(
    "shipyard_mail",
    Path(__file__).parent / "migrations",
    deliveries_table,
    suppressions_table,
    receipts_table,
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
    provider_message_id: str | None = None
    backend: str | None = None
    updated_at: datetime | None = None


async def get_delivery(session: AsyncSession, key: str) -> Delivery | None:
    """The delivery recorded under ``key``, if any."""
    row = (
        await session.execute(select(deliveries_table).where(deliveries_table.c.key == key))
    ).one_or_none()
    return None if row is None else Delivery(**row._asdict())


async def record_queued(
    session: AsyncSession, key: str, *, mail: str, recipients: str, subject: str
) -> None:
    """Record a mail as ``queued`` (in ``session``'s transaction, not committed here)."""
    now = utc_now()
    await session.execute(
        insert(deliveries_table).values(
            key=key,
            mail=mail,
            recipients=recipients,
            subject=subject,
            state="queued",
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    )


async def forget(session: AsyncSession, key: str) -> None:
    """Delete the row of ``key`` (a mail whose job could not be stored; not committed)."""
    await session.execute(delete(deliveries_table).where(deliveries_table.c.key == key))


async def _record(
    session: AsyncSession,
    key: str,
    identity: Mapping[str, object],
    created: Mapping[str, object],
    changed: Mapping[str, object],
) -> None:
    """Create ``key``'s row (``identity`` + ``created``) or update it (``changed``), and
    commit: every attempt and skip lands in the log whether or not a row exists yet."""
    table = deliveries_table
    now = utc_now()
    if await get_delivery(session, key) is None:
        values = {"key": key, **identity, **created, "created_at": now, "updated_at": now}
        await session.execute(insert(table).values(**values))
    else:
        update_row = update(table).where(table.c.key == key)
        await session.execute(update_row.values(**changed, updated_at=now))
    await session.commit()


async def start_attempt(
    session: AsyncSession, key: str, *, mail: str, recipients: str, subject: str
) -> None:
    """Record that an attempt to send ``key`` starts (creating the row on the first)."""
    identity = {"mail": mail, "recipients": recipients, "subject": subject}
    changed = {
        "state": "sending",
        "attempts": deliveries_table.c.attempts + 1,
        "recipients": recipients,
        "subject": subject,
    }
    await _record(session, key, identity, {"state": "sending", "attempts": 1}, changed)


async def finish_attempt(
    session: AsyncSession,
    key: str,
    *,
    message_id: str | None = None,
    error: str | None = None,
    provider_message_id: str | None = None,
    backend: str | None = None,
) -> None:
    """Record the outcome of the attempt: ``sent`` (with the Message-ID and the provider's
    id) or ``failed``."""
    table = deliveries_table
    now = utc_now()
    values: dict[str, object]
    if error is None:
        values = {
            "state": "sent",
            "message_id": message_id,
            "sent_at": now,
            "provider_message_id": provider_message_id,
            "backend": backend,
        }
    else:
        values = {"state": "failed", "last_error": error[:2000]}
    await session.execute(update(table).where(table.c.key == key).values(**values, updated_at=now))
    await session.commit()


async def record_suppressed(
    session: AsyncSession,
    key: str,
    *,
    mail: str,
    recipients: str,
    subject: str,
    suppressed: list[str],
) -> None:
    """Record that the mail was not sent because of the suppression list."""
    reason = "suppressed recipients: " + ", ".join(suppressed)
    identity = {"mail": mail, "recipients": recipients, "subject": subject}
    changed = {"state": "suppressed", "last_error": reason}
    await _record(session, key, identity, {**changed, "attempts": 0}, changed)


async def advance(
    session: AsyncSession,
    state: TrackedState,
    *,
    provider_message_id: str | None = None,
    key: str | None = None,
) -> bool:
    """Move the delivery with ``provider_message_id`` (or ``key``) to ``state`` unless it
    is already there or further; True when a row matched (changed or not)."""
    table = deliveries_table
    if key is not None:
        where = table.c.key == key
    elif provider_message_id is not None:
        where = table.c.provider_message_id == provider_message_id
    else:
        return False
    row = (await session.execute(select(table.c.key, table.c.state).where(where))).first()
    if row is None:
        return False
    if RANK[state] > RANK.get(row.state, 0):
        await session.execute(
            update(table).where(table.c.key == row.key).values(state=state, updated_at=utc_now())
        )
    return True
