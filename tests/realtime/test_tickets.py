"""WebSocket tickets, in process: what a ticket carries and every way one is refused.

The handshake itself (a ticket opening a socket once, a forged one refused with 403) is in
``test_processes.py`` on real servers; here the authenticator is called with the scopes of
a WebSocket and of an HTTP request on a started app with a real SQLite database.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import update
from starlette.requests import HTTPConnection

from shipyard import App, Settings
from shipyard.auth import Identity, User
from shipyard.db import get_database
from shipyard.realtime import RealtimeExtension, tickets
from shipyard.realtime.tickets import issue_ticket, ticket_authenticator
from shipyard.testing import UserFactory, schema


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings.model_validate(
        {"profile": "test", "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"}}
    )
    started = App(settings=settings, root=tmp_path, extensions=[RealtimeExtension()])
    async with started.router.lifespan_context(started):
        async with get_database(started).engine.begin() as connection:
            await connection.run_sync(schema.create_tables)
        yield started


@pytest.fixture
async def user(app: App) -> User:
    async with get_database(app).sessionmaker() as db:
        made = await UserFactory(email="ann@example.test").create(db)
        await db.commit()
        return made


async def _authenticate(app: App, ticket: str, kind: str = "websocket") -> Identity | None:
    scope = {
        "type": kind,
        "app": app,
        "path": "/realtime/ws",
        "headers": [],
        "query_string": f"ticket={ticket}".encode(),
    }
    async with get_database(app).sessionmaker() as db:
        return await ticket_authenticator(HTTPConnection(scope), db)


async def test_a_ticket_names_its_user_once_with_the_scopes_that_asked(
    app: App, user: User
) -> None:
    asked = Identity(user=user, method="jwt", scopes=frozenset({"ships:read"}))
    ticket = issue_ticket(app, asked)
    found = await _authenticate(app, ticket)
    assert found is not None
    assert (found.user.id, found.method, found.scopes) == (user.id, "ticket", asked.scopes)
    assert await _authenticate(app, ticket) is None  # single use

    unrestricted = await _authenticate(app, issue_ticket(app, Identity(user, "session")))
    assert unrestricted is not None
    assert unrestricted.scopes is None


async def test_an_http_request_neither_accepts_nor_spends_a_ticket(app: App, user: User) -> None:
    ticket = issue_ticket(app, Identity(user, "session"))
    assert await _authenticate(app, ticket, kind="http") is None
    assert await _authenticate(app, ticket) is not None


async def test_an_expired_ticket_is_refused(
    app: App, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _authenticate(app, issue_ticket(app, Identity(user, "session"))) is not None
    ticket = issue_ticket(app, Identity(user, "session"))
    later = time.time() + tickets.TICKET_SECONDS + 2
    monkeypatch.setattr(time, "time", lambda: later)
    assert await _authenticate(app, ticket) is None


async def test_log_out_everywhere_voids_issued_tickets(app: App, user: User) -> None:
    ticket = issue_ticket(app, Identity(user, "session"))
    async with get_database(app).sessionmaker() as db, db.begin():
        await db.execute(
            update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1)
        )
    assert await _authenticate(app, ticket) is None


@pytest.mark.parametrize(
    "ticket",
    ["", "garbage", "eyJ1IjoxfQ.forged.signature", "x" * 5000],
)
async def test_hostile_tickets_are_refused(app: App, user: User, ticket: str) -> None:
    assert await _authenticate(app, ticket) is None


async def test_a_ticket_signed_for_another_purpose_is_refused(app: App, user: User) -> None:
    secret = app.settings.app.secret_key.get_secret_value()
    other = URLSafeTimedSerializer(secret, salt="shipyard.auth.reset").dumps(
        {"u": user.id, "e": user.session_epoch, "s": None, "n": "n"}
    )
    assert await _authenticate(app, other) is None
