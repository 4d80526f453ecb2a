"""Retention: a daily job deletes old read notifications and old delivery rows.

``notifications.keep_read`` (90 days by default) and ``notifications.keep_deliveries``
(30 days) decide what goes; unread notifications always stay. The extension schedules
:class:`PruneNotifications` at 03:17 UTC every day when either is set (any worker runs
it, each tick once); ``shipyard notifications prune`` does the same by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.db.extension import get_database
from shipyard.jobs import Job, JobContext
from shipyard.jobs.cron import cron
from shipyard.notifications.deliveries import delete_deliveries_before
from shipyard.notifications.store import delete_read_before

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

SCHEDULE = "17 3 * * *"
SCHEDULE_NAME = "shipyard.prune-notifications"


class PruneNotifications(Job):
    """Delete read notifications and delivery rows past their retention."""

    name = "shipyard.notifications.prune"

    async def run(self, ctx: JobContext) -> None:
        options = ctx.app.settings.notifications
        async with get_database(ctx.app).sessionmaker() as session, session.begin():
            read = deliveries = 0
            if options.keep_read is not None:
                read = await delete_read_before(session, options.keep_read)
            if options.keep_deliveries is not None:
                deliveries = await delete_deliveries_before(session, options.keep_deliveries)
        ctx.logger.info("deleted %d read notification(s) and %d delivery row(s)", read, deliveries)


def schedule_pruning(app: AppBase) -> None:
    """Schedule :class:`PruneNotifications` daily, unless nothing is to be pruned."""
    options = app.settings.notifications
    if options.keep_read is not None or options.keep_deliveries is not None:
        cron(app, SCHEDULE, PruneNotifications(), name=SCHEDULE_NAME)
