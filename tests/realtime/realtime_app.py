"""A small app with the realtime extension, served by the multi-process tests.

Environment: ``REALTIME_TEST_DATABASE`` (a SQLite file both processes share, for users
and sessions), ``REALTIME_TEST_BACKEND`` (``redis`` or ``postgres``) and
``REALTIME_TEST_NAMESPACE`` (so concurrent test runs do not hear each other). Topics are
open to everyone; ``/test/publish`` publishes from this process; ``/test/login`` logs a
user in (created on first use) with the real session cookie; ``/test/notify`` sends a
:class:`Docked` notification.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Request
from pydantic import SecretStr

from shipyard import App, Settings
from shipyard.auth import User, create_user, find_by_email, login
from shipyard.config.models import DatabaseSettings, RateLimitSettings, RealtimeSettings
from shipyard.db import DbSession
from shipyard.mail import Mail
from shipyard.notifications import Channel, Notification, NotificationsExtension, notify
from shipyard.realtime import (
    Event,
    RealtimeExtension,
    RealtimeSocket,
    channel_rules,
    get_realtime,
    on_message,
)
from shipyard.security.csrf import csrf_token
from shipyard.testing.services import postgres_url, redis_url

PASSWORD = "realtime test passphrase"
ROOT = Path(__file__).resolve().parent


class DockedMail(Mail):
    template = "mail/docked"
    subject = "{{ ship }} docked"

    ship: str


class Docked(Notification):
    """A ship docked; mailed too when ``mail`` is set."""

    label = "Ship dockings"

    ship: str
    mail: bool = False

    def title(self) -> str:
        return f"{self.ship} docked"

    def body(self) -> str:
        return "<b>at the quay</b>"  # autoescaped wherever it is shown

    def via(self, user: User) -> tuple[Channel, ...]:
        return ("database", "live", "mail") if self.mail else ("database", "live")

    def to_mail(self, user: User) -> DockedMail:
        return DockedMail(to=user.email, ship=self.ship)


router = APIRouter()


@router.post("/test/publish")
async def publish(
    request: Request, channel: str, data: str, event: str = "message"
) -> dict[str, str]:
    """Publish ``data`` on ``channel`` from this process; the event's id."""
    published = await get_realtime(request.app).publish(channel, Event(data, event))
    return {"id": published.id, "pid": str(os.getpid())}


@router.get("/test/login")
async def test_login(request: Request, db: DbSession, email: str) -> dict[str, int | str]:
    """Log in as ``email`` (made on first use); the user's id and a CSRF token."""
    user = await find_by_email(db, email) or await create_user(
        db, email, PASSWORD, request.app.settings.auth
    )
    await login(request, user)
    return {"id": user.id, "csrf": csrf_token(request)}


@router.post("/test/notify")
async def test_notify(request: Request, db: DbSession, email: str, ship: str) -> dict[str, int]:
    """Notify the user ``email`` that ``ship`` docked, from this process."""
    user = await find_by_email(db, email)
    assert user is not None
    [delivery] = await notify(request.app, user, Docked(ship=ship))
    return {"id": delivery.stored_id or 0}


def settings() -> Settings:
    """Settings from the environment the test set."""
    database = Path(os.environ.get("REALTIME_TEST_DATABASE", "realtime.db"))
    backend = os.environ.get("REALTIME_TEST_BACKEND", "memory")
    return Settings(
        profile="test",
        database=DatabaseSettings(url=SecretStr(f"sqlite+aiosqlite:///{database}")),
        ratelimit=RateLimitSettings(enabled=False),
        realtime=RealtimeSettings(
            backend=backend,
            namespace=os.environ.get("REALTIME_TEST_NAMESPACE", "shipyard"),
            redis_url=SecretStr(redis_url()),
            postgres_url=SecretStr(postgres_url().replace("+asyncpg", "")),
            heartbeat=1.0,
        ),
    )


app = App(
    root=ROOT,
    settings=settings(),
    extensions=[RealtimeExtension(), NotificationsExtension(prefix="/notifications")],
)
app.include_router(router)
app.add_template_dir(ROOT / "templates")
channel_rules(app).allow("topic", lambda identity, channel: True)


@on_message(app, "echo")
async def echo(socket: RealtimeSocket, message: dict[str, object]) -> None:
    """Send the message back, with who sent it."""
    who = socket.identity.user.email if socket.identity else None
    socket.send({"type": "echo", "text": message.get("text"), "from": who})


@on_message(app, "explode")
async def explode(socket: RealtimeSocket, message: dict[str, object]) -> None:
    """A handler with a bug."""
    raise RuntimeError("boom")
