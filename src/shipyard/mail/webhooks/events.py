"""What a provider's delivery webhook reports, once its signature is checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shipyard.errors import ShipyardError

EventKind = Literal["delivered", "opened", "clicked", "bounced", "complained"]


@dataclass(frozen=True, slots=True)
class DeliveryEvent:
    """One event about one sent message.

    ``provider_message_id`` is the id the provider gave when it accepted the message
    (recorded in the delivery log); ``addresses`` are the recipients concerned;
    ``permanent`` tells a hard bounce (suppress the address) from a soft one.
    """

    kind: EventKind
    provider_message_id: str | None
    addresses: tuple[str, ...] = ()
    permanent: bool = False
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class VerifiedWebhook:
    """A webhook request whose signature held: its replay id (if any) and its events."""

    provider: str
    event_ids: tuple[str, ...]
    events: tuple[DeliveryEvent, ...]


class WebhookRejected(ShipyardError):
    """The request is not a genuine, fresh webhook call; ``status`` is the 4xx to answer."""

    def __init__(self, status: int, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
