"""The purge job: deletes the files of deleted records, and replaced or detached files.

:class:`PurgeBlobs` purges every due blob (see :func:`~.blobs.purge_due`) in batches.
The attachments extension schedules it every minute; enqueue it yourself to purge at
once (``await jobs.enqueue(PurgeBlobs())``).
"""

from __future__ import annotations

from shipyard.attachments.blobs import purge_due
from shipyard.db.extension import get_database
from shipyard.jobs import Job, JobContext
from shipyard.storage import STORAGE

SCHEDULE = "* * * * *"
SCHEDULE_NAME = "shipyard.purge-blobs"
BATCH = 200


class PurgeBlobs(Job):
    """Delete due blobs nothing references: their stored object, then their row."""

    name = "shipyard.attachments.purge"

    async def run(self, ctx: JobContext) -> None:
        storage = STORAGE.get(ctx.app)
        total = 0
        while True:
            async with get_database(ctx.app).sessionmaker() as session, session.begin():
                purged = await purge_due(session, storage, limit=BATCH)
            total += purged
            if purged < BATCH:
                break
        if total:
            ctx.logger.info("purged %d file(s)", total)
