"""``NotificationsExtension``: the notification centre pages and the notifications table.

Opt in next to the realtime extension (the bell is live through it; ``live``
notifications are published on it)::

    App(extensions=[RealtimeExtension(), NotificationsExtension(prefix="/notifications")])

and show the bell in the app's layout with ``{% include "notifications/bell.html" %}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.core.checks import Finding
from shipyard.extension import Extension
from shipyard.notifications.pages import notification_pages
from shipyard.notifications.retention import schedule_pruning
from shipyard.notifications.store import NOTIFICATION_MIGRATIONS
from shipyard.realtime.extension import RealtimeExtension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch


class NotificationsExtension(Extension):
    """The notification centre under ``prefix`` and the ``shipyard_notifications`` table."""

    name = "notifications"

    def __init__(self, *, prefix: str = "/notifications") -> None:
        self.prefix = prefix.rstrip("/")

    def setup(self, app: AppBase) -> None:
        app.include_router(notification_pages(), prefix=self.prefix)
        schedule_pruning(app)

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return [NOTIFICATION_MIGRATIONS]

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        if app.find_extension(RealtimeExtension) is None:
            yield Finding(
                "notifications.E001",
                "error",
                "the notifications extension needs the realtime extension (live delivery, "
                "the bell's event stream)",
                "add RealtimeExtension() to the app's extensions",
            )
