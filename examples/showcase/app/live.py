"""``/live``: realtime in the showcase: a live fleet feed and notifications.

The fleet feed: every ship added (from the ships page or the API) is announced on the
public ``topic:fleet`` channel as a rendered ``<li>``; the page listens with htmx's SSE
extension and prepends each one, in every open browser, whichever server process the
ship was added in. Notifications: a logged-in user sends themself a
:class:`HarbourNotice`; it is stored (the notification centre), pushed to their open
pages (the bell in the navigation updates live) and, if they ask, mailed.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from shipyard import App
from shipyard.auth import CurrentUser, User, optional_user
from shipyard.mail import Mail
from shipyard.notifications import Channel, Notification, notify
from shipyard.realtime import Event, channel_rules, publish, topic_channel
from shipyard.web import PageRouter, render, render_to_string
from shipyard.web.flash import flash

FLEET = topic_channel("fleet")
SHIP_ADDED = "ship-added"

pages = PageRouter(prefix="/live", tags=["live"], dependencies=[Depends(optional_user)])


class HarbourNoticeMail(Mail):
    template = "mail/harbour_notice"
    subject = "Harbour notice: {{ message }}"

    message: str

    @classmethod
    def preview(cls) -> HarbourNoticeMail:
        """Sample data for the mail previewer (``/_shipyard/mail``)."""
        return cls(to="sailor@example.com", message="Storm warning: all ships stay in port")


class HarbourNotice(Notification):
    """A message from the harbour master; mailed too when ``by_mail`` is set."""

    kind = "showcase.harbour-notice"
    label = "Harbour notices"

    message: str
    by_mail: bool = False

    def title(self) -> str:
        return f"Harbour notice: {self.message}"

    def body(self) -> str:
        return "Sent from the live page."

    def url(self) -> str | None:
        return "/live"

    def via(self, user: User) -> Sequence[Channel]:
        return ("database", "live", "mail") if self.by_mail else ("database", "live")

    def to_mail(self, user: User) -> HarbourNoticeMail:
        return HarbourNoticeMail(to=user.email, message=self.message)


async def announce_ship(request: Request, name: str) -> None:
    """Tell every open live page that ``name`` joined the fleet."""
    item = render_to_string(request, "live/_ship.html", {"name": name})
    await publish(request.app, FLEET, Event(str(item), SHIP_ADDED))


def open_public_topics(app: App) -> None:
    """Anyone may follow ``topic:fleet`` (it carries nothing private)."""
    channel_rules(app).allow("topic", lambda identity, channel: channel == FLEET)


@pages.get("", name="live")
async def live(request: Request) -> Response:
    """The live fleet feed and the notification form."""
    return render(request, "live/index.html", {"fleet_channel": FLEET})


@pages.post("/notify", name="live_notify")
async def send_notice(
    request: Request,
    user: CurrentUser,
    message: str = Form(min_length=1, max_length=200),
    by_mail: bool = Form(default=False),
) -> Response:
    """Send the current user a harbour notice."""
    await notify(request.app, user, HarbourNotice(message=message, by_mail=by_mail))
    flash(request, "Notice sent: watch the bell.", "success")
    return RedirectResponse(request.url_for("live").path, status_code=303)
