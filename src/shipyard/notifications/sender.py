"""Sending a notification: :func:`notify` delivers it on each channel ``via`` picks.

Channels the user turned off for the type (the preferences page, for types with a
``label``) are dropped first. The ``database`` row is written in a transaction of its own
and committed before the ``live`` event goes out, so the page that reacts to the event
(the bell re-reading its count) already sees it. ``mail`` is queued as a job (sent with
retries by a worker), ``webhook`` too (:mod:`.webhook`). A type marked ``queued`` hands
the whole delivery to a :class:`DeliverNotification` job instead. Each delivery is
recorded in the returned :class:`Delivery`, in the deliveries table (:mod:`.deliveries`,
which makes a queued delivery's retries skip what was delivered) and, when capturing is on
(:func:`capture_notifications`), kept for tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from starlette.applications import Starlette

from shipyard.auth.models import User
from shipyard.auth.users import user_model
from shipyard.core.services import Service
from shipyard.db.extension import get_database
from shipyard.errors import ShipyardError
from shipyard.jobs import Job, JobContext
from shipyard.jobs.extension import get_jobs
from shipyard.notifications.deliveries import done_channels, record
from shipyard.notifications.notification import (
    CHANNELS,
    NOTIFICATION_CLASSES,
    NOTIFICATION_TYPES,
    Channel,
    Notification,
)
from shipyard.notifications.preferences import opted_out
from shipyard.notifications.store import store
from shipyard.notifications.webhook import SendWebhook, webhook_secret
from shipyard.realtime.channels import user_channel
from shipyard.realtime.events import Event
from shipyard.realtime.hub import publish

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

LIVE_EVENT = "notification"
"""The name of the event published on the user's channel."""


@dataclass
class Delivery:
    """What :func:`notify` did for one user: the channels used, the stored id, the mail job."""

    user_id: int
    notification: Notification
    channels: tuple[Channel, ...]
    stored_id: int | None = None
    mail_job: str | None = None
    webhook_job: str | None = None
    batch: str = ""
    """The :mod:`.deliveries` batch: one ``notify`` call (a queued one keeps it on retries)."""
    skipped: tuple[Channel, ...] = ()
    """Channels a retry did not repeat: an earlier attempt had delivered them."""


class SentNotifications(list[Delivery]):
    """Deliveries kept while capturing (tests)."""


SENT = Service("sent_notifications", SentNotifications, "notification capture")


@contextmanager
def capture_notifications(app: Starlette) -> Iterator[SentNotifications]:
    """Keep every delivery made while the block runs (they are still delivered)."""
    sent = SENT.provide(app, SentNotifications())
    try:
        yield sent
    finally:
        SENT.withdraw(app, sent)


async def notify(
    app: AppBase, users: User | Iterable[User], notification: Notification
) -> list[Delivery]:
    """Deliver ``notification`` to ``users`` on the channels its ``via`` picks for each.

    A ``queued`` type is not delivered here: one :class:`DeliverNotification` job is
    enqueued for all the users and the answer is empty (the worker's run delivers).
    """
    recipients = [users] if isinstance(users, User) else list(users)
    if notification.queued:
        await get_jobs(app).enqueue(
            DeliverNotification(
                kind=notification.type_name(),
                data=notification.model_dump(mode="json"),
                user_ids=[user.id for user in recipients],
                batch=uuid.uuid4().hex,
            )
        )
        return []
    return await deliver(app, recipients, notification)


class DeliverNotification(Job):
    """A queued notification's delivery, on every channel, in a worker (with retries).

    A retry after a partial delivery skips the channels the earlier attempts delivered
    (tracked under ``batch``, :mod:`.deliveries`); mail and webhooks are jobs of their
    own, each with its own retries.
    """

    name = "shipyard.deliver-notification"

    kind: str
    data: dict[str, Any]
    user_ids: list[int]
    batch: str

    async def run(self, ctx: JobContext) -> None:
        app: AppBase = ctx.app
        cls = NOTIFICATION_CLASSES.get(self.kind)
        if cls is None:
            raise ShipyardError(
                f"no notification type {self.kind!r} in this worker",
                hint="import the module that defines it in the app the worker runs",
            )
        model = user_model(app)
        async with get_database(app).sessionmaker() as session:
            found = await session.scalars(select(model).where(model.id.in_(self.user_ids)))
            users = list(found)
        await deliver(app, users, cls.model_validate(self.data), batch=self.batch)


async def deliver(
    app: AppBase,
    users: Iterable[User],
    notification: Notification,
    *,
    batch: str | None = None,
) -> list[Delivery]:
    """Deliver now, on each channel (what :func:`notify` does for a type not ``queued``).

    ``batch`` names a queued delivery across its job's retries: the channels already
    recorded for it (:mod:`.deliveries`) are skipped, so a retry after a failure on one
    channel does not repeat the others.
    """
    retrying = batch is not None
    batch = batch or uuid.uuid4().hex
    sessionmaker = get_database(app).sessionmaker
    deliveries = []
    kind = notification.type_name()
    for user in users:
        wanted = notification.via(user)
        if kind in NOTIFICATION_TYPES:
            async with sessionmaker() as session:
                off = await opted_out(session, user.id)
            wanted = [channel for channel in wanted if (kind, channel) not in off]
        channels = tuple(channel for channel in CHANNELS if channel in wanted)
        done: dict[str, str | None] = {}
        if retrying:
            async with sessionmaker() as session:
                done = await done_channels(session, batch, user.id)
        delivery = Delivery(user.id, notification, channels, batch=batch)
        tracked = partial(record, batch=batch, user_id=user.id, kind=kind)
        if "database" in channels:
            if "database" in done:
                delivery.stored_id = int(done["database"] or 0) or None
            else:
                async with sessionmaker() as session, session.begin():
                    delivery.stored_id = await store(
                        session,
                        user.id,
                        kind,
                        notification.title(),
                        notification.body(),
                        notification.url(),
                    )
                    await tracked(
                        session, channel="database", status="delivered",
                        reference=delivery.stored_id,
                    )  # fmt: skip
        if "mail" in channels and "mail" not in done:
            delivery.mail_job = await notification.to_mail(user).queue(app)
            async with sessionmaker() as session, session.begin():
                await tracked(session, channel="mail", status="queued", reference=delivery.mail_job)
        if "webhook" in channels and "webhook" not in done:
            webhook = notification.to_webhook(user)
            webhook_secret(app.settings)  # refused now rather than by every retry
            delivery.webhook_job = await get_jobs(app).enqueue(
                SendWebhook(url=webhook.url, payload=webhook.payload, key=uuid.uuid4().hex)
            )
            async with sessionmaker() as session, session.begin():
                await tracked(
                    session, channel="webhook", status="queued", reference=delivery.webhook_job
                )
        if "live" in channels and "live" not in done:
            await publish(
                app,
                user_channel(user.id),
                Event.json(
                    {
                        "id": delivery.stored_id,
                        "kind": kind,
                        "title": notification.title(),
                        "body": notification.body(),
                        "url": notification.url(),
                    },
                    LIVE_EVENT,
                ),
            )
            async with sessionmaker() as session, session.begin():
                await tracked(session, channel="live", status="delivered")
        delivery.skipped = tuple(channel for channel in channels if channel in done)
        captured = SENT.find(app)
        if captured is not None:
            captured.append(delivery)
        deliveries.append(delivery)
    return deliveries
