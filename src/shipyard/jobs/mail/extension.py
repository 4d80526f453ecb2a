"""The ``mail_deliveries`` extension: mounts the providers' delivery webhooks and the
open/click tracking routes (part of every :class:`shipyard.App`), only for what the
settings turn on at startup: an app that tracks nothing and takes no webhook has no
extra routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.extension import Extension
from shipyard.jobs.mail.tracking_routes import tracking_router
from shipyard.jobs.mail.webhooks import webhooks_router

if TYPE_CHECKING:
    from shipyard.config.models import MailSettings
    from shipyard.core.app import AppBase


def takes_webhooks(mail: MailSettings) -> bool:
    """True when a provider's webhook is configured (SES: when SES sends the mail or
    ``mail.ses.sns_topic_arns`` names topics)."""
    backends = set(mail.failover) if mail.backend == "failover" else {mail.backend}
    return bool(
        mail.sendgrid.webhook_public_key
        or mail.resend.webhook_secret is not None
        or mail.postmark.webhook_password is not None
        or mail.ses.sns_topic_arns
        or "ses" in backends
    )


class MailDeliveriesExtension(Extension):
    """Webhooks under ``mail.webhooks_path``, tracking under ``mail.tracking.path``."""

    name = "mail_deliveries"

    def setup(self, app: AppBase) -> None:
        mail = app.settings.mail
        if takes_webhooks(mail):
            app.include_router(webhooks_router(app))
        if mail.tracking.opens or mail.tracking.clicks:
            app.include_router(tracking_router(app))
