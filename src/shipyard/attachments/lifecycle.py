"""Deleting a record schedules its files for the purge job.

A listener on every ORM session's ``after_flush`` looks at the records just deleted:
for those of a model with attachment slots, it deletes their attachment rows and makes
their blobs due, in the same transaction (a rollback undoes both). The purge job then
deletes the files. Bulk ``delete(Model)`` statements bypass the ORM and this listener:
delete such records one by one, or run ``shipyard storage orphans``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from shipyard.attachments.fields import ATTACHED_TYPES
from shipyard.attachments.tables import attachments_table, blobs_table
from shipyard.core.clock import utc_now


def _deleted_records(session: Session) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for record in session.deleted:
        record_type = ATTACHED_TYPES.get(type(record))
        identity = inspect(record).identity
        if record_type is not None and identity is not None and len(identity) == 1:
            found.setdefault(record_type, []).append(str(identity[0]))
    return found


def _release_files(session: Session, _context: Any) -> None:
    deleted = _deleted_records(session)
    if not deleted:
        return
    connection = session.connection()
    table = attachments_table.c
    for record_type, ids in deleted.items():
        condition = (table.record_type == record_type) & table.record_id.in_(ids)
        blob_ids: list[int] = list(
            connection.execute(select(table.blob_id).where(condition)).scalars().all()
        )
        connection.execute(delete(attachments_table).where(condition))
        if blob_ids:
            connection.execute(
                update(blobs_table)
                .where(blobs_table.c.id.in_(blob_ids))
                .values(purge_after=utc_now())
            )


def install() -> None:
    """Listen on every session (idempotent)."""
    if not event.contains(Session, "after_flush", _release_files):
        event.listen(Session, "after_flush", _release_files)
