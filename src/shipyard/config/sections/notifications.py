"""The ``notifications`` section: how webhook notifications are signed and sent."""

from __future__ import annotations

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class NotificationSettings(Section):
    """Notifications sent to webhooks (the other channels need no settings)."""

    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Signs webhook notifications (HMAC-SHA256, Standard Webhooks headers); "
        "receivers verify with it. Required to send any.",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, le=120, description="Seconds one webhook request may take."
    )
