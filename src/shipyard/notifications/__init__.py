"""Notifications: tell a user something through mail, the in-app centre and live pages.

Owns :class:`Notification` (a type's data and texts, and ``via(user)``: its channels),
:func:`notify` (delivery on each channel; ``mail`` queued as a job, ``database`` stored
in ``shipyard_notifications``, ``live`` published on the user's realtime channel), the
table and its queries (:mod:`.store`), the notification centre pages and the live bell
(:mod:`.pages`, ``templates/notifications/``), and :func:`capture_notifications` for
tests. Not owned here: the broker and event streams (``shipyard.realtime``), mail
rendering and delivery (``shipyard.mail``, ``shipyard.jobs.mail``).
"""

from shipyard.notifications.extension import NotificationsExtension
from shipyard.notifications.notification import CHANNELS, Channel, Notification
from shipyard.notifications.sender import Delivery, capture_notifications, notify
from shipyard.notifications.store import (
    NOTIFICATION_MIGRATIONS,
    StoredNotification,
    latest,
    mark_all_read,
    mark_read,
    unread_count,
)

__all__ = [
    "CHANNELS",
    "NOTIFICATION_MIGRATIONS",
    "Channel",
    "Delivery",
    "Notification",
    "NotificationsExtension",
    "StoredNotification",
    "capture_notifications",
    "latest",
    "mark_all_read",
    "mark_read",
    "notify",
    "unread_count",
]
