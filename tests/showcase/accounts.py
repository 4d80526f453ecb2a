"""Accounts for the showcase tests: users made in the database, logged in over HTTP.

Users are created directly (``create_user`` with the test profile's cheap Argon2
parameters); logging in goes through the real login form with its CSRF token, and
tokens through the real ``POST /auth/token``, so the tests exercise what a user does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from httpx import AsyncClient

from shipyard.app import App
from shipyard.auth import create_user
from shipyard.authz import assign_role, create_role, find_role
from shipyard.db import get_database

PASSWORD = "showcase test passphrase"
LOGIN = "/account/login"
TOKEN = "/auth/token"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def add_user(app: App, email: str, *, permissions: Iterable[str] | None = None) -> int:
    """A verified user with ``PASSWORD``; ``permissions`` go into a role of their own."""
    async with get_database(app).sessionmaker() as session, session.begin():
        user = await create_user(session, email, PASSWORD, app.settings.auth, is_verified=True)
        if permissions is not None:
            role = f"role of {email}"
            if await find_role(session, role) is None:
                await create_role(session, role, permissions)
            await assign_role(session, user, role)
        return user.id


async def csrf_token(client: AsyncClient, path: str = LOGIN) -> str:
    """The CSRF token of the client's session, read from the form on ``path``."""
    response = await client.get(path)
    match = CSRF_FIELD.search(response.text)
    assert match is not None, f"{path} has no CSRF field"
    return match.group(1)


async def log_in(client: AsyncClient, email: str, password: str = PASSWORD) -> None:
    """Post the real login form (with its CSRF token); fail unless it redirects."""
    token = await csrf_token(client)
    response = await client.post(
        LOGIN, data={"csrf_token": token, "email": email, "password": password}
    )
    assert response.status_code == 303, response.text


async def access_token(client: AsyncClient, email: str, password: str = PASSWORD) -> str:
    """A JWT access token from ``POST /auth/token``."""
    response = await client.post(TOKEN, json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
