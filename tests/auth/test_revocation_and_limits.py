"""Logout everywhere and password changes end API tokens too; login is rate limited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from tests.auth.conftest import FAST_ARGON2
from tests.auth.support import PASSWORD, AuthHarness, make_auth_app

from shipyard.auth.tokens import TokensExtension, get_token_service


@pytest.fixture
def harness(tmp_path: Path, sqlite_url: str) -> Iterator[Callable[..., AuthHarness]]:
    opened: list[AuthHarness] = []

    def start(**sections: Any) -> AuthHarness:
        app = make_auth_app(sqlite_url, tmp_path, dict(FAST_ARGON2), **sections)
        app.add_extension(TokensExtension(prefix=None))
        started = AuthHarness.start(app)
        opened.append(started)
        return started

    yield start
    for started in opened:
        started.close()


def bearer_for(auth: AuthHarness, email: str) -> dict[str, str]:
    user = auth.user(email)

    async def issue(session: AsyncSession) -> str:
        pair = await get_token_service(auth.app).issue(session, user.id)
        return pair.access_token

    return {"Authorization": f"Bearer {auth.db(issue)}"}


def test_logout_everywhere_revokes_api_tokens(harness: Callable[..., AuthHarness]) -> None:
    auth = harness()
    auth.create_user()
    bearer = bearer_for(auth, "ada@example.com")
    assert auth.client.get("/api/me", headers=bearer).status_code == 200
    auth.log_in()
    response = auth.post_form("/account/logout", {"everywhere": "on"}, csrf_from="/account/")
    assert response.status_code in (200, 303)
    assert auth.client.get("/api/me", headers=bearer).status_code == 401


def test_plain_logout_keeps_api_tokens(harness: Callable[..., AuthHarness]) -> None:
    auth = harness()
    auth.create_user()
    bearer = bearer_for(auth, "ada@example.com")
    auth.log_in()
    auth.post_form("/account/logout", {}, csrf_from="/account/")
    assert auth.client.get("/api/me", headers=bearer).status_code == 200


def test_changing_the_password_revokes_api_tokens(harness: Callable[..., AuthHarness]) -> None:
    auth = harness()
    auth.create_user()
    bearer = bearer_for(auth, "ada@example.com")
    auth.log_in()
    new = {"current_password": PASSWORD, "new_password": "an entirely new passphrase"}
    response = auth.post_form(
        "/account/password",
        {**new, "new_password_confirm": new["new_password"]},
        csrf_from="/account/password",
    )
    assert response.status_code in (200, 303), response.text
    auth.client.cookies.clear()  # the bearer token alone, not the renewed login session
    assert auth.client.get("/api/me", headers=bearer).status_code == 401


def test_login_route_is_rate_limited(harness: Callable[..., AuthHarness]) -> None:
    auth = harness(ratelimit={"named": {"auth": "3/minute"}, "throttle": {"failures": 100}})
    auth.create_user()
    codes = [auth.log_in(password="wrong password here").status_code for _ in range(4)]
    assert codes[:3] != [429, 429, 429]
    assert codes[3] == 429


def test_login_is_throttled_per_account_whatever_the_route_allows(
    harness: Callable[..., AuthHarness],
) -> None:
    throttle = {"failures": 2, "first_delay": 60}
    auth = harness(ratelimit={"named": {"auth": "100/minute"}, "throttle": throttle})
    auth.create_user()
    auth.create_user(email="bob@example.com")
    for _ in range(2):
        assert auth.log_in(password="wrong password here").status_code != 429
    assert auth.log_in().status_code == 429  # even the right password must wait its turn
    assert auth.log_in(email="bob@example.com").status_code in (200, 303)
