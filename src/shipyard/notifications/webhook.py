"""The ``webhook`` channel: a notification POSTed as signed JSON, by a job with retries.

``Notification.to_webhook(user)`` gives the URL and the JSON payload; :func:`notify`
queues a :class:`SendWebhook` job. The request follows the Standard Webhooks scheme:
headers ``webhook-id`` (the delivery's key, the same on every retry, so receivers
dedupe), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`` keyed by
``notifications.webhook_secret``). A 2xx answer is success; 408, 429 and 5xx answers and
network errors are retried with backoff; any other answer fails for good.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field

from shipyard.errors import ShipyardError
from shipyard.jobs.context import JobContext
from shipyard.jobs.job import Job
from shipyard.jobs.retry import RetryPolicy

RETRIED = {408, 429}


class Webhook(BaseModel):
    """Where a notification is POSTed, and the JSON it carries."""

    model_config = ConfigDict(frozen=True)

    url: str = Field(pattern=r"^https?://", max_length=2000)
    payload: dict[str, Any]


class WebhookRejected(ShipyardError):
    """The receiver refused the webhook with a status that retrying will not change."""


class WebhookFailed(ShipyardError):
    """The receiver did not accept the webhook this time (retried)."""


def webhook_secret(settings: Any) -> str:
    """``notifications.webhook_secret``; a clear error when it is not set."""
    secret = settings.notifications.webhook_secret
    if secret is None:
        raise ShipyardError(
            "a notification goes through the webhook channel but notifications.webhook_secret "
            "is not set",
            hint="set notifications.webhook_secret (SHIPYARD_NOTIFICATIONS__WEBHOOK_SECRET) "
            "and give it to the receivers",
        )
    value: str = secret.get_secret_value()
    return value


def sign(secret: str, key: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value of one request."""
    signed = f"{key}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class SendWebhook(Job):
    """POST one webhook notification, signed; retried on network errors and 5xx."""

    name: ClassVar[str | None] = "shipyard.notification-webhook"
    retry: ClassVar[RetryPolicy | None] = RetryPolicy(
        attempts=5, base=10, factor=3, cap=3600, jitter=0.2, no_retry=(WebhookRejected,)
    )

    url: str
    payload: dict[str, Any]
    key: str

    async def run(self, ctx: JobContext) -> None:
        settings = ctx.settings
        if settings is None:
            raise WebhookRejected("webhook jobs need the app's settings (run them in a worker)")
        body = json.dumps(self.payload, separators=(",", ":")).encode()
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": self.key,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(webhook_secret(settings), self.key, timestamp, body),
        }
        timeout = settings.notifications.webhook_timeout
        try:
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
                response = await client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise WebhookFailed(f"webhook to {self.url} failed: {error}") from error
        status = response.status_code
        if 200 <= status < 300:
            return
        if status >= 500 or status in RETRIED:
            raise WebhookFailed(f"webhook to {self.url} answered {status}")
        raise WebhookRejected(f"webhook to {self.url} was refused with {status}")
