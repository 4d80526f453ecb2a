"""The ``mail_deliveries`` extension: mounts the providers' delivery webhooks and the
open/click tracking routes (part of every :class:`shipyard.App`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.extension import Extension
from shipyard.jobs.mail.tracking_routes import tracking_router
from shipyard.jobs.mail.webhooks import webhooks_router

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class MailDeliveriesExtension(Extension):
    """Webhooks under ``mail.webhooks_path``, tracking under ``mail.tracking.path``."""

    name = "mail_deliveries"

    def setup(self, app: AppBase) -> None:
        app.include_router(webhooks_router(app))
        app.include_router(tracking_router(app))
