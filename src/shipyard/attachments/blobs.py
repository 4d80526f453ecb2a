"""Blobs: storing a file and its row, signed URLs to it, sending it to an authorized caller
(``blob_download``), and purging what lost its record.

``create_blob`` puts the file in the store first and then inserts its row, so a row
always names a stored object; a transaction that rolls back leaves an object no row
names, which ``shipyard storage orphans`` finds. ``purge_due`` deletes blobs whose
``purge_after`` has passed and that no attachment references: its image variants,
its object, then its row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO, Protocol

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from shipyard.attachments.tables import BLOB_COLUMNS, Blob, attachments_table, blobs_table
from shipyard.core.clock import utc_now
from shipyard.images import delete_variants
from shipyard.storage import Storage, download


class AttachableFile(Protocol):
    """What can be attached: an :class:`~shipyard.uploads.UploadedFile`, or alike."""

    @property
    def file(self) -> BinaryIO: ...

    @property
    def filename(self) -> str | None: ...

    @property
    def content_type(self) -> str | None: ...


async def create_blob(session: AsyncSession, storage: Storage, upload: AttachableFile) -> Blob:
    """Store ``upload``'s bytes and insert its blob row (not attached to anything yet)."""
    content_type = upload.content_type or "application/octet-stream"
    stored = await storage.put(upload.file, content_type=content_type)
    blob = Blob(
        id=0,
        key=stored.key,
        filename=(upload.filename or "file")[:255],
        content_type=content_type,
        byte_size=stored.size,
        checksum=stored.checksum,
        created_at=utc_now(),
        backend=storage.name,
    )
    return await insert_blob(session, blob)


async def insert_blob(
    session: AsyncSession, blob: Blob, *, purge_after: datetime | None = None
) -> Blob:
    """Insert ``blob``'s row (its ``id`` is ignored); ``blob`` with the row's id.

    ``purge_after`` makes it due for the purge job then, unless something references it.
    """
    values = {name: getattr(blob, name) for name in BLOB_COLUMNS}
    result = await session.execute(
        insert(blobs_table)
        .values({**values, "purge_after": purge_after})
        .returning(blobs_table.c.id)
    )
    return dataclasses.replace(blob, id=result.scalar_one())


async def blob_url(
    storage: Storage, blob: Blob, *, expires_in: int | None = None, inline: bool = True
) -> str:
    """A signed URL that shows (``inline``) or downloads ``blob`` under its filename."""
    return await storage.url(blob.key, expires_in=expires_in, filename=blob.filename, inline=inline)


async def blob_download(
    request: Request, storage: Storage, blob: Blob, *, inline: bool = False
) -> Response:
    """Send ``blob`` to a caller the route has authorized (:func:`shipyard.storage.download`:
    streamed with ranges from local disk, a 303 to a short-lived signed URL elsewhere)."""
    return await download(request, storage, blob.key, filename=blob.filename, inline=inline)


def unreferenced() -> object:
    """The condition "no attachment references this blob" (for ``where``)."""
    return ~exists().where(attachments_table.c.blob_id == blobs_table.c.id)


async def due_blobs(session: AsyncSession, *, now: datetime, limit: int) -> list[Blob]:
    """Blobs past their ``purge_after`` that nothing references, oldest first."""
    rows = await session.execute(
        select(blobs_table)
        .where(blobs_table.c.purge_after <= now, unreferenced())  # type: ignore[arg-type]
        .order_by(blobs_table.c.purge_after)
        .limit(limit)
    )
    return [Blob.from_row(row) for row in rows]


async def purge_blobs(session: AsyncSession, storage: Storage, blobs: Iterable[Blob]) -> int:
    """Delete each blob's variants and stored object, then its row; the number purged."""
    count = 0
    for blob in blobs:
        if blob.is_image:
            await delete_variants(storage, blob.key)
        await storage.delete(blob.key)
        await session.execute(delete(blobs_table).where(blobs_table.c.id == blob.id))
        count += 1
    return count


async def purge_due(
    session: AsyncSession, storage: Storage, *, now: datetime | None = None, limit: int = 500
) -> int:
    """Purge up to ``limit`` due blobs (see :func:`due_blobs`); the number purged."""
    blobs = await due_blobs(session, now=now or utc_now(), limit=limit)
    return await purge_blobs(session, storage, blobs)


async def schedule_purge(session: AsyncSession, blob_ids: Iterable[int]) -> None:
    """Make these blobs due now (they are purged once nothing references them)."""
    ids = list(blob_ids)
    if ids:
        await session.execute(
            update(blobs_table).where(blobs_table.c.id.in_(ids)).values(purge_after=utc_now())
        )
