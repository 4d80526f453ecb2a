"""The images of every slot that declares variants: :func:`images_with_variants`.

``shipyard images variants`` walks them to make the variants of files attached before a
variant was declared (or, with ``--regenerate``, to render them all again after a spec
or Pillow changed). Only the models imported so far are seen: load the app first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.attachments.fields import slots_with_variants
from shipyard.attachments.tables import Blob, attachments_table, blobs_table
from shipyard.images import Variant


async def images_with_variants(session: AsyncSession) -> list[tuple[Blob, list[Variant]]]:
    """Each image attached to a slot with variants, and those variants (a query per slot).

    Files that are not images (a PDF in the same slot) are left out.
    """
    found: list[tuple[Blob, list[Variant]]] = []
    table = attachments_table.c
    for slot in slots_with_variants():
        rows = await session.execute(
            select(blobs_table)
            .join(attachments_table, table.blob_id == blobs_table.c.id)
            .where(table.record_type == slot.record_type, table.name == slot.name)
            .order_by(table.id)
        )
        blobs = [Blob.from_row(row) for row in rows]
        found += [(blob, list(slot.variants.values())) for blob in blobs if blob.is_image]
    return found
