"""Orphans: blobs no record references, and stored objects no blob row names.

A blob loses its last attachment when a record is deleted in bulk (bypassing the ORM) or
when the app forgets to attach what it stored; an object loses its row when the
transaction that stored it rolled back. Both are left alone for ``grace`` (an upload
may be stored before the record it belongs to is saved), then :func:`find_orphans` lists
them and :func:`delete_orphans` deletes them. An image variant (metadata
``variant_of``) belongs to its original's blob: it is an orphan only when that is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.attachments.blobs import purge_blobs, unreferenced
from shipyard.attachments.tables import Blob, blobs_table
from shipyard.core.clock import utc_now
from shipyard.images import VARIANT_OF
from shipyard.storage import ObjectNotFound, Storage, StoredObject

Progress = Callable[[int], None]
BATCH = 500


@dataclass
class Orphans:
    """What :func:`find_orphans` found."""

    blobs: list[Blob] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.blobs) + len(self.objects)


async def find_orphans(
    session: AsyncSession,
    storage: Storage,
    *,
    grace: timedelta = timedelta(days=1),
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Orphans:
    """Unreferenced blobs and unnamed objects older than ``grace``; ``progress(n)`` per key."""
    cutoff = (now or utc_now()) - grace
    rows = await session.execute(
        select(blobs_table).where(blobs_table.c.created_at < cutoff, unreferenced())  # type: ignore[arg-type]
    )
    found = Orphans(blobs=[Blob.from_row(row) for row in rows])
    batch: list[str] = []
    async for key in storage.list():
        batch.append(key)
        if len(batch) >= BATCH:
            found.objects += await _unnamed(session, storage, batch, cutoff)
            batch = []
        if progress is not None:
            progress(1)
    found.objects += await _unnamed(session, storage, batch, cutoff)
    return found


async def _unnamed(
    session: AsyncSession, storage: Storage, keys: list[str], cutoff: datetime
) -> list[str]:
    if not keys:
        return []
    named = await _named(session, keys)
    old: list[StoredObject] = []
    for key in keys:
        if key in named:
            continue
        try:
            info = await storage.info(key)
        except ObjectNotFound:  # deleted since it was listed
            continue
        if info.last_modified is None or info.last_modified < cutoff:
            old.append(info)
    originals = await _named(session, [info.metadata.get(VARIANT_OF, "") for info in old])
    return [info.key for info in old if info.metadata.get(VARIANT_OF) not in originals]


async def _named(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of ``keys`` a blob row names."""
    query = select(blobs_table.c.key).where(blobs_table.c.key.in_(keys))
    return set((await session.scalars(query)).all())


async def delete_orphans(
    session: AsyncSession, storage: Storage, orphans: Orphans, *, progress: Progress | None = None
) -> int:
    """Delete what :func:`find_orphans` found; the number of files deleted."""
    count = 0
    for blob in orphans.blobs:
        count += await purge_blobs(session, storage, [blob])
        if progress is not None:
            progress(1)
    for key in orphans.objects:
        await storage.delete(key)
        count += 1
        if progress is not None:
            progress(1)
    return count
