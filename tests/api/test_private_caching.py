"""API answers for a bearer token or an API key are ``no-store`` and vary on that header.

Real credentials (a JWT from the token service, an API key, a login session) made by the
testing client, against the testing-helper app on SQLite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from tests.testing.support import make_app

from shipyard import App
from shipyard.testing import ShipyardClient, UserFactory
from shipyard.testing.client import Via


@pytest.fixture
def app(tmp_path: Path) -> App:
    return make_app(f"sqlite+aiosqlite:///{tmp_path / 'caching.db'}", tmp_path)


def vary(headers: dict[str, str]) -> list[str]:
    return [token.strip() for token in headers.get("vary", "").split(",") if token.strip()]


@pytest.mark.parametrize(
    ("via", "header"),
    [("jwt", "Authorization"), ("api_key", "X-API-Key"), ("session", "Cookie")],
)
async def test_an_authenticated_answer_is_no_store(
    client: ShipyardClient, db_session: AsyncSession, via: Via, header: str
) -> None:
    user = await UserFactory().create(db_session)
    authed = await client.as_user(user, via=via)
    response = await authed.get("/api/me")
    assert response.status_code == 200, response.text
    assert response.json()["method"] == via
    assert response.headers["cache-control"] == "no-store"
    assert header in vary(dict(response.headers))


async def test_a_bearer_answer_does_not_vary_on_a_cookie_it_never_read(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    user = await UserFactory().create(db_session)
    authed = await client.as_user(user, via="jwt")
    response = await authed.get("/api/me")
    assert vary(dict(response.headers)) == ["Authorization"]


async def test_head_with_a_bearer_token_has_the_gets_headers(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    user = await UserFactory().create(db_session)
    authed = await client.as_user(user, via="jwt")
    got, head = await authed.get("/api/me"), await authed.head("/api/me")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("cache-control", "vary", "content-type", "content-length"):
        assert head.headers[name] == got.headers[name]


async def test_a_forged_bearer_token_is_refused_and_marks_nothing_private(
    client: ShipyardClient,
) -> None:
    response = await client.get("/api/me", headers={"Authorization": "Bearer forged.jwt.value"})
    assert response.status_code == 401
    assert "cache-control" not in response.headers
    assert "Authorization" not in vary(dict(response.headers))
