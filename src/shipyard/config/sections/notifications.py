"""The ``notifications`` section: webhook signing and sending, and retention."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class NotificationSettings(Section):
    """Notifications sent to webhooks, and how long read notifications are kept."""

    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Signs webhook notifications (HMAC-SHA256, Standard Webhooks headers); "
        "receivers verify with it. Required to send any.",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, le=120, description="Seconds one webhook request may take."
    )
    keep_read: timedelta | None = Field(
        default=timedelta(days=90),
        description="Read notifications older than this are deleted by a daily job "
        "(shipyard.prune-notifications); none keeps them. Unread ones always stay.",
    )
    keep_deliveries: timedelta | None = Field(
        default=timedelta(days=30),
        description="Delivery-tracking rows older than this are deleted by the same job.",
    )
