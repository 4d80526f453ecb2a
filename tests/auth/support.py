"""The auth test harness: an App with AuthExtension and demo routes, and helpers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from shipyard import App, Settings
from shipyard.auth import (
    AuthExtension,
    CurrentIdentity,
    CurrentUser,
    OptionalIdentity,
    User,
    create_user,
)
from shipyard.db import get_database
from shipyard.mail import MemoryMailer, Message, get_mailer
from shipyard.testing.schema import create_tables, drop_tables
from shipyard.web import PageRouter

T = TypeVar("T")
PASSWORD = "correct horse battery staple"
HTML = {"Accept": "text/html"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def demo_routes(app: App) -> None:
    api = APIRouter(prefix="/api")

    @api.get("/me")
    async def me(identity: CurrentIdentity) -> dict[str, Any]:
        return {"email": identity.user.email, "method": identity.method}

    @api.get("/maybe")
    async def maybe(identity: OptionalIdentity) -> dict[str, Any]:
        return {"email": identity.user.email if identity else None}

    pages = PageRouter()

    @pages.get("/private")
    async def private(user: CurrentUser) -> str:
        return f"<p>hello {user.email}</p>"

    app.include_router(api)
    app.include_router(pages)


def make_auth_app(url: str, root: Path, auth: dict[str, Any], **sections: Any) -> App:
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": {"url": url},
            "mail": {"backend": "memory"},
            # The flows' tests count the mails each step sends; a login's new-browser
            # notice (on by default) is tested on its own, in test_account_notices.py.
            "auth": {"new_sign_in_mail": False, **auth},
            **sections,
        }
    )
    app = App(settings=settings, root=root, extensions=[AuthExtension(prefix="/account")])
    demo_routes(app)
    return app


class AuthHarness:
    """A started TestClient on an auth app, with database and outbox helpers."""

    def __init__(self, app: App, client: TestClient) -> None:
        self.app = app
        self.client = client

    @classmethod
    def start(cls, app: App, client_address: tuple[str, int] | None = None) -> AuthHarness:
        """Start ``app``; ``client_address`` is the peer address requests come from."""
        address = client_address or ("testclient", 50000)
        client = TestClient(app, raise_server_exceptions=True, client=address)
        client.__enter__()
        harness = cls(app, client)
        harness.run(harness._create_tables)
        return harness

    def close(self) -> None:
        if self.client.portal is None:
            return
        try:
            self.run(self._drop_tables)
        finally:
            self.client.__exit__(None, None, None)

    async def _create_tables(self) -> None:
        async with get_database(self.app).engine.begin() as connection:
            await connection.run_sync(create_tables)

    async def _drop_tables(self) -> None:
        async with get_database(self.app).engine.begin() as connection:
            await connection.run_sync(drop_tables)

    def run(self, function: Callable[[], Awaitable[T]]) -> T:
        """Run ``function()`` on the app's event loop (where its connection pool lives)."""
        portal = self.client.portal
        assert portal is not None
        return portal.call(function)

    def db(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work(session)`` in a committed transaction."""

        async def call() -> T:
            async with get_database(self.app).sessionmaker() as session, session.begin():
                return await work(session)

        return self.run(call)

    def create_user(
        self, email: str = "ada@example.com", password: str = PASSWORD, **fields: Any
    ) -> User:
        settings = self.app.settings.auth
        return self.db(lambda s: create_user(s, email, password, settings, **fields))

    def user(self, email: str) -> User:
        async def load(session: AsyncSession) -> User:
            return (await session.scalars(select(User).where(User.email == email))).one()

        return self.db(load)

    def update_user(self, email: str, **values: Any) -> None:
        async def change(session: AsyncSession) -> None:
            user = (await session.scalars(select(User).where(User.email == email))).one()
            for key, value in values.items():
                setattr(user, key, value)

        self.db(change)

    @property
    def outbox(self) -> list[Message]:
        mailer = get_mailer(self.app)
        assert isinstance(mailer, MemoryMailer)
        return mailer.outbox

    def link(self, index: int = -1) -> str:
        """The path and query of the (last) link in a mailed message."""
        found = re.search(r"https?://\S+", self.outbox[index].text)
        assert found is not None, self.outbox[index].text
        parts = urlsplit(found.group(0))
        return f"{parts.path}?{parts.query}"

    def token(self, index: int = -1) -> str:
        return parse_qs(urlsplit(self.link(index)).query)["token"][0]

    def csrf(self, path: str = "/account/login") -> str:
        found = _CSRF.search(self.client.get(path, headers=HTML).text)
        assert found is not None
        return found.group(1)

    def post_form(
        self,
        path: str,
        data: dict[str, Any],
        *,
        csrf_from: str = "/account/login",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Post a form as a browser would, with the CSRF token of ``csrf_from``."""
        token = self.csrf(csrf_from)
        response: httpx.Response = self.client.post(
            path,
            data={"csrf_token": token, **data},
            headers={**HTML, **(headers or {})},
            follow_redirects=False,
        )
        return response

    def log_in(
        self,
        email: str = "ada@example.com",
        password: str = PASSWORD,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> httpx.Response:
        data = {"email": email, "password": password, **extra}
        return self.post_form("/account/login", data, headers=headers or {})
