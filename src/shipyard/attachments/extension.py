"""The attachments extension: the blob tables' migrations, the purge job, its schedule.

``AttachmentsExtension()`` needs the storage extension (where files go) and the jobs
extension (which runs :class:`~.purge.PurgeBlobs` every minute).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.attachments import lifecycle
from shipyard.attachments.purge import SCHEDULE, SCHEDULE_NAME, PurgeBlobs
from shipyard.attachments.tables import ATTACHMENT_MIGRATIONS
from shipyard.core.checks import Finding
from shipyard.extension import Extension
from shipyard.jobs.cron import cron
from shipyard.storage import StorageExtension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch


class AttachmentsExtension(Extension):
    """Files on records (``Attachment``/``Attachments``), purged when records go."""

    name = "attachments"

    def __init__(self, *, purge_schedule: str | None = SCHEDULE) -> None:
        self.purge_schedule = purge_schedule

    def setup(self, app: AppBase) -> None:
        lifecycle.install()
        if self.purge_schedule is not None:
            cron(app, self.purge_schedule, PurgeBlobs(), name=SCHEDULE_NAME)

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return [ATTACHMENT_MIGRATIONS]

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        if app.find_extension(StorageExtension) is None:
            yield Finding(
                "attachments.E001",
                "error",
                "the attachments extension needs the storage extension (where files go)",
                "add StorageExtension() to the app's extensions",
            )
