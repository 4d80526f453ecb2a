"""The token endpoints and the bearer authenticator, over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from tests.tokens.fixtures import PASSWORD, MakeSettings, MakeUser

from shipyard import App
from shipyard.auth.tokens import TOKENS, TokenService, get_token_service
from shipyard.config.models import Settings
from shipyard.db import get_database


async def login(client: httpx.AsyncClient, email: str, **extra: str) -> dict[str, object]:
    response = await client.post(
        "/auth/token", json={"email": email, "password": PASSWORD, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_issue_then_call_an_endpoint_with_the_access_token(
    client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    user = await app_user("Ada@Example.com")
    response = await client.post(
        "/auth/token", json={"email": " ada@example.COM ", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    # the access TTL is 900 s; seconds pass while a loaded machine hashes the password
    assert 890 <= body["expires_in"] <= 900
    assert body["refresh_expires_in"] >= 30 * 24 * 3600 - 1
    me = await client.get("/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["user_id"] == user.id
    assert me.json()["method"] == "jwt"
    assert me.json()["scopes"] is None
    assert me.json()["credential_id"]


async def test_requested_scopes_restrict_the_identity(
    client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    user = await app_user()
    body = await login(client, user.email, scope="posts:read comments:read")
    assert body["scope"] == "comments:read posts:read"
    me = await client.get("/me", headers=bearer(body["access_token"]))
    assert me.json()["scopes"] == ["comments:read", "posts:read"]


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.com", "wrong password!"), ("nobody@example.com", PASSWORD)],
)
async def test_bad_credentials_get_a_401_problem(
    client: httpx.AsyncClient, app_user: MakeUser, email: str, password: str
) -> None:
    await app_user("ada@example.com")
    response = await client.post("/auth/token", json={"email": email, "password": password})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == "Invalid credentials"
    assert "Bearer" in response.headers["www-authenticate"]


async def test_malformed_bodies_are_refused(client: httpx.AsyncClient) -> None:
    for body in ({}, {"email": "a@b.c"}, {"email": "a" * 5000, "password": "x"}):
        response = await client.post("/auth/token", json=body)
        assert response.status_code == 422
    response = await client.post(
        "/auth/token", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


async def test_an_inactive_user_gets_no_token_and_their_tokens_stop_working(
    app: App, client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    user = await app_user(is_active=False)
    response = await client.post("/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["title"] == "Account disabled"
    async with get_database(app).sessionmaker() as session, session.begin():
        pair = await get_token_service(app).issue(session, user)
    me = await client.get("/me", headers=bearer(pair.access_token))
    assert me.status_code == 401


async def test_refresh_rotates_and_a_reused_token_kills_the_family(
    app: App, client: httpx.AsyncClient, app_user: MakeUser, make_settings: MakeSettings
) -> None:
    TOKENS.provide(
        app, TokenService.from_settings(make_settings(tokens={"refresh_reuse_grace": 0}))
    )
    user = await app_user()
    first = await login(client, user.email)
    response = await client.post(
        "/auth/token/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert response.status_code == 200
    second = response.json()
    assert (await client.get("/me", headers=bearer(second["access_token"]))).status_code == 200
    reuse = await client.post("/auth/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert "reused" in reuse.json()["detail"]
    assert (await client.get("/me", headers=bearer(second["access_token"]))).status_code == 401
    again = await client.post(
        "/auth/token/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert again.status_code == 401


async def test_revoke_endpoint_revokes_refresh_family_and_bearer_token(
    client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    user = await app_user()
    pair = await login(client, user.email)
    other = await login(client, user.email)
    response = await client.post(
        "/auth/token/revoke",
        json={"refresh_token": pair["refresh_token"]},
        headers=bearer(other["access_token"]),
    )
    assert response.status_code == 200
    assert (await client.get("/me", headers=bearer(pair["access_token"]))).status_code == 401
    assert (await client.get("/me", headers=bearer(other["access_token"]))).status_code == 401
    refused = await client.post(
        "/auth/token/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert refused.status_code == 401
    still = await client.post("/auth/token/refresh", json={"refresh_token": other["refresh_token"]})
    assert still.status_code == 200  # only the bearer token of that family was revoked
    nothing = await client.post("/auth/token/revoke", json={})
    assert nothing.status_code == 400
    unknown = await client.post("/auth/token/revoke", json={"refresh_token": "unknown"})
    assert unknown.status_code == 200


async def test_token_endpoints_need_no_csrf_token_even_with_a_session_cookie(
    client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    user = await app_user()
    response = await client.post(
        "/auth/token",
        json={"email": user.email, "password": PASSWORD},
        headers={"Cookie": "shipyard_session=some-browser-session", "Origin": "http://testserver"},
    )
    assert response.status_code == 200, response.text
    refresh = await client.post(
        "/auth/token/refresh",
        json={"refresh_token": response.json()["refresh_token"]},
        headers={"Cookie": "shipyard_session=x"},
    )
    assert refresh.status_code == 200
    form = await client.post("/auth/token", data={"email": user.email, "password": PASSWORD})
    assert form.status_code == 422  # not refused by CSRF: the body is simply not JSON


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer " + "x" * 20_000,
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
        "Basic YWRhOnB3",
        "Bearer",
        "Bearer    ",
        "bearer a.b.c",
        "Token abc",
    ],
)
async def test_hostile_authorization_headers_get_401(
    client: httpx.AsyncClient, header: str
) -> None:
    response = await client.get(
        "/me", headers={"Authorization": header, "Accept": "application/json"}
    )
    assert response.status_code == 401
    assert "Bearer" in response.headers["www-authenticate"]


async def test_a_token_for_an_unknown_or_non_numeric_subject_is_refused(
    app: App, client: httpx.AsyncClient, settings: Settings
) -> None:
    codec = get_token_service(app).access
    for subject in ("999999", "ada", "1" * 40):
        token = codec.encode(subject).token
        assert (await client.get("/me", headers=bearer(token))).status_code == 401
