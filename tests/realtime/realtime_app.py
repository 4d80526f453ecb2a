"""A small app with the realtime extension, served by the multi-process tests.

Environment: ``REALTIME_TEST_DATABASE`` (a SQLite file both processes share, for users
and sessions), ``REALTIME_TEST_BACKEND`` (``redis`` or ``postgres``) and
``REALTIME_TEST_NAMESPACE`` (so concurrent test runs do not hear each other). Topics are
open to everyone; ``/test/publish`` publishes from this process; ``/test/login`` logs a
user in (created on first use) with the real session cookie.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Request
from pydantic import SecretStr

from shipyard import App, Settings
from shipyard.auth import create_user, find_by_email, login
from shipyard.config.models import DatabaseSettings, RateLimitSettings, RealtimeSettings
from shipyard.db import DbSession
from shipyard.realtime import Event, RealtimeExtension, channel_rules, get_realtime
from shipyard.testing.services import postgres_url, redis_url

PASSWORD = "realtime test passphrase"

router = APIRouter()


@router.post("/test/publish")
async def publish(
    request: Request, channel: str, data: str, event: str = "message"
) -> dict[str, str]:
    """Publish ``data`` on ``channel`` from this process; the event's id."""
    published = await get_realtime(request.app).publish(channel, Event(data, event))
    return {"id": published.id, "pid": str(os.getpid())}


@router.get("/test/login")
async def test_login(request: Request, db: DbSession, email: str) -> dict[str, int]:
    """Log in as ``email`` (made on first use); the user's id."""
    user = await find_by_email(db, email) or await create_user(
        db, email, PASSWORD, request.app.settings.auth
    )
    await login(request, user)
    return {"id": user.id}


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


app = App(settings=settings(), extensions=[RealtimeExtension()])
app.include_router(router)
channel_rules(app).allow("topic", lambda identity, channel: True)
