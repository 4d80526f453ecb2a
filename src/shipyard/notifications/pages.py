"""The notification centre's routes (login required).

- ``GET {prefix}``: the page listing the user's notifications, with Mark read / Mark all
  read forms (plain forms: it works without JavaScript).
- ``GET {prefix}/bell``: the bell fragment (unread count and the latest notifications).
- ``GET {prefix}/stream``: an event stream of ``bell`` events, each the bell fragment
  rendered again: one at once, then one per change on the user's channel (a new
  notification, one marked read in another tab). The layout's bell listens to it with
  htmx's SSE extension (``sse-swap="bell"``).
- ``GET {prefix}/settings``, ``POST {prefix}/settings``: the preferences page, one checkbox
  per notification type (those with a ``label``) and channel; unchecked means turned off.
- ``POST {prefix}/{id}/read``, ``POST {prefix}/read-all``: mark read (CSRF-checked like
  every unsafe request), announce it on the user's channel (every open tab's bell
  updates), then answer htmx with the bell fragment and a browser with a redirect back.

Another user's notification id is a 404: every query is scoped to the current user.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response
from markupsafe import Markup

from shipyard.auth.deps import CurrentUser
from shipyard.core.problems import HTTPProblem
from shipyard.db.extension import get_database
from shipyard.notifications.notification import CHANNEL_LABELS, CHANNELS, NOTIFICATION_TYPES
from shipyard.notifications.preferences import opted_out, set_optouts
from shipyard.notifications.store import latest, mark_all_read, mark_read, unread_count
from shipyard.realtime.channels import user_channel
from shipyard.realtime.events import Event
from shipyard.realtime.hub import get_realtime
from shipyard.realtime.sse import EventStream
from shipyard.web import PageRouter, render
from shipyard.web.flash import flash
from shipyard.web.htmx import htmx, htmx_redirect
from shipyard.web.render import render_to_string

READ_EVENT = "notification-read"
"""Published on the user's channel when notifications are marked read."""
BELL_EVENT = "bell"
BELL_ITEMS = 8
PAGE_ITEMS = 100

NotificationId = Annotated[int, Path(ge=1, le=2**63 - 1)]


async def bell_context(request: Request, user_id: int, limit: int = BELL_ITEMS) -> dict[str, Any]:
    """The unread count and the latest notifications of ``user_id``, in a short transaction."""
    async with get_database(request.app).sessionmaker() as session, session.begin():
        return {
            "unread": await unread_count(session, user_id),
            "notifications": await latest(session, user_id, limit),
        }


async def render_bell(request: Request, user_id: int) -> Markup:
    """The bell fragment of ``user_id``."""
    return render_to_string(
        request, "notifications/_bell.html", await bell_context(request, user_id)
    )


async def _announce_read(request: Request, user_id: int) -> None:
    await get_realtime(request.app).publish(user_channel(user_id), Event("", READ_EVENT))


def notification_pages() -> PageRouter:
    """The router :class:`~shipyard.notifications.NotificationsExtension` mounts."""
    router = PageRouter()

    @router.get("", name="notifications_page")
    async def page(request: Request, user: CurrentUser) -> Response:
        context = await bell_context(request, user.id, PAGE_ITEMS)
        return render(request, "notifications/list.html", context)

    @router.get("/bell", name="notifications_bell")
    async def bell(request: Request, user: CurrentUser) -> Response:
        return render(request, "notifications/_bell.html", await bell_context(request, user.id))

    @router.get("/stream", name="notifications_stream", response_class=EventStream)
    async def stream(request: Request, user: CurrentUser) -> EventStream:
        realtime = get_realtime(request.app)
        user_id = user.id

        async def bells() -> AsyncIterator[Event]:
            async with realtime.broker.subscribe(user_channel(user_id)) as subscription:
                # Subscribed first, then read: no change can fall between the two.
                yield Event(await render_bell(request, user_id), BELL_EVENT)
                async for _change in subscription:
                    yield Event(await render_bell(request, user_id), BELL_EVENT)

        return EventStream(
            bells(),
            heartbeat=realtime.settings.heartbeat,
            retry_ms=realtime.settings.retry_ms,
            shutdown=realtime.shutdown.event,
        )

    @router.get("/settings", name="notifications_settings")
    async def settings(request: Request, user: CurrentUser) -> Response:
        async with get_database(request.app).sessionmaker() as session:
            off = await opted_out(session, user.id)
        context = {"types": NOTIFICATION_TYPES, "channels": CHANNEL_LABELS, "off": off}
        return render(request, "notifications/settings.html", context)

    @router.post("/settings", name="notifications_settings_save")
    async def save_settings(request: Request, user: CurrentUser) -> Response:
        form = await request.form()
        on = {str(value) for value in form.getlist("on")}
        pairs = {(kind, channel) for kind in NOTIFICATION_TYPES for channel in CHANNELS}
        off = {pair for pair in pairs if f"{pair[0]}|{pair[1]}" not in on}
        async with get_database(request.app).sessionmaker() as session, session.begin():
            await set_optouts(session, user.id, NOTIFICATION_TYPES, off)
        flash(request, "Notification settings saved.", "success")
        return htmx_redirect(request, str(request.url_for("notifications_settings").path))

    @router.post("/{notification_id}/read", name="notifications_read")
    async def read_one(
        request: Request, user: CurrentUser, notification_id: NotificationId
    ) -> Response:
        async with get_database(request.app).sessionmaker() as session, session.begin():
            found = await mark_read(session, user.id, notification_id)
        if not found:
            raise HTTPProblem(404, detail="you have no such notification")
        return await _after_change(request, user.id)

    @router.post("/read-all", name="notifications_read_all")
    async def read_all(request: Request, user: CurrentUser) -> Response:
        async with get_database(request.app).sessionmaker() as session, session.begin():
            await mark_all_read(session, user.id)
        return await _after_change(request, user.id)

    async def _after_change(request: Request, user_id: int) -> Response:
        await _announce_read(request, user_id)
        if htmx(request).request:
            return render(request, "notifications/_bell.html", await bell_context(request, user_id))
        return htmx_redirect(request, str(request.url_for("notifications_page").path))

    return router
