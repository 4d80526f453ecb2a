"""``Notification`` classes: what to tell a user, and through which channels.

::

    class ShipArrived(Notification):
        ship: str
        port: str

        def title(self) -> str:
            return f"{self.ship} arrived"

        def body(self) -> str:
            return f"{self.ship} docked at {self.port}."

        def via(self, user: User) -> Sequence[Channel]:
            return ("database", "live", "mail") if user.is_verified else ("database", "live")

        def to_mail(self, user: User) -> Mail:
            return ArrivalMail(to=user.email, ship=self.ship, port=self.port)


    await notify(app, user, ShipArrived(ship="Nautilus", port="Brest"))

Channels: ``database`` stores it for the notification centre (unread until marked
read), ``live`` pushes it to the user's open pages (their ``user:<id>`` channel: the
bell updates), ``mail`` queues :meth:`Notification.to_mail` through the jobs system,
``webhook`` queues a signed POST of :meth:`Notification.to_webhook` (:mod:`.webhook`).
A notification is a pydantic model: validated when made, its fields its data. A type
with a ``label`` is listed on the preferences page, where each user may turn its
channels off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from shipyard.auth.models import User
    from shipyard.mail.mailable import Mail
    from shipyard.notifications.webhook import Webhook

Channel = Literal["database", "live", "mail", "webhook"]
CHANNELS: tuple[Channel, ...] = ("database", "live", "mail", "webhook")
CHANNEL_LABELS: dict[Channel, str] = {
    "database": "In the notification centre",
    "live": "Live on open pages",
    "mail": "By mail",
    "webhook": "To a webhook",
}

NOTIFICATION_CLASSES: dict[str, type[Notification]] = {}
"""Every notification type by stored name: a queued delivery finds its class here."""
NOTIFICATION_TYPES: dict[str, type[Notification]] = {}
"""Every notification type with a ``label``, by stored name: the preferences page lists
them (a type without a label cannot be turned off by users)."""


class Notification(BaseModel):
    """Base of every notification type; subclasses add fields and override the texts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ClassVar[str] = ""
    """The type's stored name; defaults to ``module.QualName``."""
    label: ClassVar[str] = ""
    """What users see on the preferences page; a type with one can be turned off per channel."""
    queued: ClassVar[bool] = False
    """True: :func:`~shipyard.notifications.notify` hands the whole delivery (every
    channel) to a job, run by a worker with the jobs system's retries."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        NOTIFICATION_CLASSES[cls.type_name()] = cls
        if cls.__dict__.get("label"):
            NOTIFICATION_TYPES[cls.type_name()] = cls

    @classmethod
    def type_name(cls) -> str:
        """The name this type is stored under."""
        return cls.__dict__.get("kind") or f"{cls.__module__}.{cls.__qualname__}"

    def via(self, user: User) -> Sequence[Channel]:
        """The channels this notification goes through for ``user`` (default: in-app, live)."""
        return ("database", "live")

    def title(self) -> str:
        """One line: the bell's list shows it."""
        return type(self).__name__

    def body(self) -> str:
        """The text under the title."""
        return ""

    def url(self) -> str | None:
        """Where the notification leads (a path of the app), if anywhere."""
        return None

    def to_mail(self, user: User) -> Mail:
        """The mail of the ``mail`` channel; a type that mails must override this."""
        raise ShipyardError(
            f"{type(self).__name__} goes through the mail channel but has no to_mail()",
            hint="override to_mail(user) to return a Mail, or drop 'mail' from via()",
        )

    def to_webhook(self, user: User) -> Webhook:
        """The URL and payload of the ``webhook`` channel; a type that uses it overrides this."""
        raise ShipyardError(
            f"{type(self).__name__} goes through the webhook channel but has no to_webhook()",
            hint="override to_webhook(user) to return a Webhook, or drop 'webhook' from via()",
        )
