"""The providers' delivery webhooks, verified: each module checks a request's signature
(or credentials), freshness and shape, and reads its :class:`DeliveryEvent`s. Nothing
here touches the database: recording the events is :mod:`shipyard.jobs.mail.webhooks`."""

from shipyard.mail.webhooks.events import (
    DeliveryEvent,
    EventKind,
    VerifiedWebhook,
    WebhookRejected,
)
from shipyard.mail.webhooks.sns import AwsSnsEndpoints, SnsEndpoints

__all__ = [
    "AwsSnsEndpoints",
    "DeliveryEvent",
    "EventKind",
    "SnsEndpoints",
    "VerifiedWebhook",
    "WebhookRejected",
]
