"""The mail ``shipyard mail send-test`` sends to check the configured backend."""

from __future__ import annotations

import platform

from shipyard.core.clock import utc_now
from shipyard.mail.mailable import Mail


class MailCheck(Mail):
    """Sent by ``shipyard mail send-test``: proves the configured backend delivers."""

    template = "mail/check"
    subject = "Test mail from {{ app_name }}"
    stored_as = "shipyard.mail-check"

    backend: str
    host: str
    sent_at: str

    @classmethod
    def preview(cls) -> MailCheck:
        return cls.for_backend("you@example.com", "smtp")

    @classmethod
    def for_backend(cls, to: str, backend: str) -> MailCheck:
        """The check mail to ``to``, naming the backend and this machine."""
        return cls(
            to=to,
            backend=backend,
            host=platform.node() or "this machine",
            sent_at=utc_now().strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
