"""The suppression list: addresses that hard-bounced or complained are not mailed again.

``shipyard_mail_suppressions`` holds one row per address (lower-cased). The providers'
webhooks add to it (a permanent bounce, a spam complaint); a queued mail with a
suppressed recipient is not sent, and its delivery is recorded as ``suppressed``.
``unsuppress`` takes an address off (after the user fixed their mailbox, say).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Literal

from sqlalchemy import Column, String, Table, Text, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.clock import utc_now
from shipyard.db.model import UtcDateTime, framework_metadata

SuppressionReason = Literal["bounced", "complained", "manual"]

suppressions_table = Table(
    "shipyard_mail_suppressions",
    framework_metadata,
    Column("address", String(320), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("detail", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class Suppression:
    """One suppressed address, why, and who reported it."""

    address: str
    reason: SuppressionReason
    source: str
    detail: str | None
    created_at: datetime


def normalized(address: str) -> str:
    """The bare, lower-cased address of ``"Ann <Ann@Example.com>"``."""
    return (parseaddr(address)[1] or address).strip().lower()


async def suppress(
    session: AsyncSession,
    address: str,
    reason: SuppressionReason,
    *,
    source: str,
    detail: str | None = None,
) -> bool:
    """Add ``address`` to the list (not committed here); False if it already was on it."""
    bare = normalized(address)
    table = suppressions_table
    found = (await session.execute(select(table.c.address).where(table.c.address == bare))).first()
    if found is not None:
        return False
    await session.execute(
        insert(table).values(
            address=bare,
            reason=reason,
            source=source[:32],
            detail=(detail or "")[:2000] or None,
            created_at=utc_now(),
        )
    )
    return True


async def unsuppress(session: AsyncSession, address: str) -> bool:
    """Take ``address`` off the list (not committed here); False if it was not on it."""
    table = suppressions_table
    result = await session.execute(delete(table).where(table.c.address == normalized(address)))
    return bool(getattr(result, "rowcount", 0))


async def suppressed_among(session: AsyncSession, addresses: Iterable[str]) -> list[str]:
    """Which of ``addresses`` are suppressed (bare, lower-cased), in their order."""
    bare = [normalized(address) for address in addresses]
    if not bare:
        return []
    table = suppressions_table
    rows = await session.execute(select(table.c.address).where(table.c.address.in_(bare)))
    found = {row.address for row in rows}
    return [address for address in bare if address in found]


async def get_suppression(session: AsyncSession, address: str) -> Suppression | None:
    """The suppression of ``address``, if it is on the list."""
    table = suppressions_table
    row = (
        await session.execute(select(table).where(table.c.address == normalized(address)))
    ).one_or_none()
    return None if row is None else Suppression(**row._asdict())


async def list_suppressions(session: AsyncSession, *, limit: int = 1000) -> list[Suppression]:
    """The suppressed addresses, newest first."""
    table = suppressions_table
    rows = await session.execute(select(table).order_by(table.c.created_at.desc()).limit(limit))
    return [Suppression(**row._asdict()) for row in rows]
