"""Accounts in the showcase: who may add and delete ships, and how API clients prove it.

Pages: anyone looks; adding and deleting need the API's permissions, ``ships:create``
and ``ships:delete`` (an anonymous htmx request gets ``HX-Redirect`` to the login page,
a browser a 303 with ``next``; a user without the permission a 403 and no controls).
API: ``POST /api/ships`` needs ``ships:create`` through a bearer JWT or an ``X-API-Key``.
"""

from __future__ import annotations

import json
import re

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from shipyard.app import App
from shipyard.auth import User
from shipyard.auth.apikeys import create_api_key, revoke_api_key
from shipyard.db import get_database
from shipyard.db.seeds import run_seed

from .accounts import PASSWORD, access_token, add_user, csrf_token, log_in
from .conftest import Showcase

HTMX = {"HX-Request": "true"}
HX_HEADERS = re.compile(r"hx-headers='([^']+)'")


async def _page_token(client: AsyncClient, path: str = "/ships") -> str:
    """The CSRF token every page carries in ``<body hx-headers>``."""
    match = HX_HEADERS.search((await client.get(path)).text)
    assert match is not None
    token: str = json.loads(match.group(1))["X-CSRF-Token"]
    return token


async def _names(client: AsyncClient) -> list[str]:
    return [ship["name"] for ship in (await client.get("/api/ships")).json()]


async def _api_key(app: App, email: str, scopes: list[str] | None = None) -> tuple[int, str]:
    async with get_database(app).sessionmaker() as session, session.begin():
        user = (await session.scalars(select(User).where(User.email == email))).one()
        created = await create_api_key(session, user, "tests", scopes=scopes)
        return created.record.id, created.key


# -- pages -----------------------------------------------------------------------------


async def test_anonymous_nav_offers_login_and_register_and_no_ship_form(
    client: AsyncClient,
) -> None:
    html = (await client.get("/ships")).text

    assert '<a href="/account/login">Log in</a>' in html
    assert '<a class="button" href="/account/register">Register</a>' in html
    assert "Log out" not in html
    assert 'id="ship-form"' not in html
    assert 'href="/account/login?next=/ships"' in html


async def test_logged_in_nav_shows_the_email_and_a_logout_form(member: AsyncClient) -> None:
    html = (await member.get("/")).text

    assert re.search(
        r'<a href="/account/" id="nav-user" class="nav-user">member@example.test</a>', html
    )
    logout = re.search(r'<form method="post" action="/account/logout".*?</form>', html, re.S)
    assert logout is not None
    assert 'name="csrf_token"' in logout.group(0)
    assert ">Log in<" not in html


async def test_anonymous_htmx_create_gets_hx_redirect_to_login(client: AsyncClient) -> None:
    token = await _page_token(client)

    response = await client.post(
        "/ships",
        data={"name": "Nautilus"},
        headers={**HTMX, "X-CSRF-Token": token, "HX-Current-URL": "http://testserver/ships"},
    )

    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/account/login?next=%2Fships"
    assert await _names(client) == []


async def test_anonymous_browser_create_is_sent_to_login_with_next(client: AsyncClient) -> None:
    token = await _page_token(client)

    response = await client.post(
        "/ships", data={"csrf_token": token, "name": "Nautilus"}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/account/login?next=%2Fships"
    assert await _names(client) == []


async def test_anonymous_delete_is_refused(client: AsyncClient, api: AsyncClient) -> None:
    ship_id = (await api.post("/api/ships", json={"name": "Fram"})).json()["id"]
    token = await _page_token(client)

    response = await client.delete(f"/ships/{ship_id}", headers={**HTMX, "X-CSRF-Token": token})

    assert response.status_code == 200
    assert response.headers["hx-redirect"].startswith("/account/login?next=")
    assert await _names(client) == ["Fram"]


async def test_skipper_adds_and_deletes_through_the_pages(skipper: AsyncClient) -> None:
    token = await _page_token(skipper)

    added = await skipper.post(
        "/ships", data={"name": "Nautilus"}, headers={**HTMX, "X-CSRF-Token": token}
    )
    assert added.status_code == 200
    assert "Ship Nautilus added." in added.text
    assert 'aria-label="Delete Nautilus"' in added.text
    ship_id = (await skipper.get("/api/ships")).json()[0]["id"]

    deleted = await skipper.delete(f"/ships/{ship_id}", headers={**HTMX, "X-CSRF-Token": token})

    assert deleted.status_code == 200
    assert await _names(skipper) == []


async def test_member_without_permissions_sees_no_controls(
    member: AsyncClient, api: AsyncClient
) -> None:
    await api.post("/api/ships", json={"name": "Fram"})

    html = (await member.get("/ships")).text

    assert "Fram" in html
    assert 'id="ship-form"' not in html
    assert "hx-delete" not in html
    assert 'id="no-ship-permission"' in html
    assert "<code>ships:create</code>" in html


async def test_member_without_permissions_is_refused_with_403(
    member: AsyncClient, api: AsyncClient
) -> None:
    ship_id = (await api.post("/api/ships", json={"name": "Fram"})).json()["id"]
    token = await _page_token(member)
    headers = {**HTMX, "X-CSRF-Token": token}

    htmx_create = await member.post("/ships", data={"name": "Nautilus"}, headers=headers)
    browser_create = await member.post(
        "/ships", data={"csrf_token": token, "name": "Nautilus"}, headers={"Accept": "text/html"}
    )
    htmx_delete = await member.delete(f"/ships/{ship_id}", headers=headers)

    assert [htmx_create.status_code, browser_create.status_code, htmx_delete.status_code] == [
        403,
        403,
        403,
    ]
    assert "<html" not in htmx_create.text  # the error fragment, shown in #flash-messages
    assert "You need the permission ships:create to do this." in htmx_create.text
    assert browser_create.text.startswith("<!doctype html>")  # the error page
    assert "You need the permission ships:create to do this." in browser_create.text
    assert "You need the permission ships:delete to do this." in htmx_delete.text
    assert await _names(member) == ["Fram"]


async def test_create_only_role_gets_the_form_but_no_delete(
    started_app: App, client: AsyncClient, api: AsyncClient
) -> None:
    ship_id = (await api.post("/api/ships", json={"name": "Fram"})).json()["id"]
    await add_user(started_app, "clerk@example.test", permissions=["ships:create"])
    await log_in(client, "clerk@example.test")

    html = (await client.get("/ships")).text
    token = await _page_token(client)
    headers = {**HTMX, "X-CSRF-Token": token}
    added = await client.post("/ships", data={"name": "Nautilus"}, headers=headers)
    deleted = await client.delete(f"/ships/{ship_id}", headers=headers)

    assert 'id="ship-form"' in html
    assert "hx-delete" not in html
    assert added.status_code == 200
    assert "hx-delete" not in added.text  # the new row has no delete button either
    assert deleted.status_code == 403
    assert await _names(client) == ["Fram", "Nautilus"]


async def test_login_follows_next_and_logout_ends_the_session(
    started_app: App, client: AsyncClient
) -> None:
    await add_user(started_app, "ann@example.test", permissions=["ships:*"])
    token = await csrf_token(client, "/account/login?next=/ships")
    response = await client.post(
        "/account/login",
        data={
            "csrf_token": token,
            "email": "ANN@example.test",
            "password": PASSWORD,
            "next": "/ships",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ships"
    assert 'id="ship-form"' in (await client.get("/ships")).text

    logout = await client.post("/account/logout", data={"csrf_token": await _page_token(client)})

    assert logout.status_code == 303
    html = (await client.get("/ships")).text
    assert ">Log in<" in html
    assert 'id="ship-form"' not in html


async def test_wrong_password_does_not_log_in(started_app: App, client: AsyncClient) -> None:
    await add_user(started_app, "ann@example.test")
    token = await csrf_token(client)

    response = await client.post(
        "/account/login",
        data={"csrf_token": token, "email": "ann@example.test", "password": "not the password"},
    )

    assert response.status_code == 422
    assert "Wrong email or password." in response.text
    assert ">Log in<" in (await client.get("/")).text


# -- API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-credentials"),
        pytest.param({"Authorization": "Bearer not.a.jwt"}, id="garbage-jwt"),
        pytest.param({"Authorization": "Bearer "}, id="empty-bearer"),
        pytest.param({"X-API-Key": "sk_AAAAAAAA" + "x" * 43}, id="unknown-api-key"),
    ],
)
async def test_api_create_without_valid_credentials_is_401_problem(
    client: AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post("/api/ships", json={"name": "Fram"}, headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401
    assert await _names(client) == []


async def test_api_create_with_a_jwt_from_the_token_endpoint(
    started_app: App, client: AsyncClient
) -> None:
    await add_user(started_app, "ops@example.test", permissions=["ships:create"])
    token = await access_token(client, "ops@example.test")

    response = await client.post(
        "/api/ships", json={"name": "Fram"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 201
    # ops's ship is theirs (ShipPolicy): listed for their token, not for anonymous visitors
    assert await _names(client) == []
    client.headers["Authorization"] = f"Bearer {token}"
    assert await _names(client) == ["Fram"]


async def test_api_create_without_the_permission_is_403(
    started_app: App, client: AsyncClient
) -> None:
    await add_user(started_app, "reader@example.test", permissions=["ships:read"])
    token = await access_token(client, "reader@example.test")

    response = await client.post(
        "/api/ships", json={"name": "Fram"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 403
    assert response.json()["required"] == ["ships:create"]
    assert await _names(client) == []


async def test_a_revoked_access_token_is_refused(started_app: App, client: AsyncClient) -> None:
    await add_user(started_app, "ops@example.test", permissions=["ships:create"])
    token = await access_token(client, "ops@example.test")
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/auth/token/revoke", json={}, headers=bearer)).status_code == 200

    response = await client.post("/api/ships", json={"name": "Fram"}, headers=bearer)

    assert response.status_code == 401


async def test_api_create_with_an_api_key(started_app: App, client: AsyncClient) -> None:
    await add_user(started_app, "ci@example.test", permissions=["ships:*"])
    _, key = await _api_key(started_app, "ci@example.test")

    response = await client.post("/api/ships", json={"name": "Fram"}, headers={"X-API-Key": key})

    assert response.status_code == 201
    assert await _names(client) == ["Fram"]


async def test_api_key_scopes_and_revocation_are_enforced(
    started_app: App, client: AsyncClient
) -> None:
    await add_user(started_app, "ci@example.test", permissions=["*"])
    _, narrow = await _api_key(started_app, "ci@example.test", scopes=["ships:read"])
    key_id, key = await _api_key(started_app, "ci@example.test")
    async with get_database(started_app).sessionmaker() as session, session.begin():
        user = (await session.scalars(select(User).where(User.email == "ci@example.test"))).one()
        assert await revoke_api_key(session, user, key_id)

    scoped = await client.post("/api/ships", json={"name": "A"}, headers={"X-API-Key": narrow})
    revoked = await client.post("/api/ships", json={"name": "B"}, headers={"X-API-Key": key})

    assert [scoped.status_code, revoked.status_code] == [403, 401]
    assert await _names(client) == []


# -- seeds -----------------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "seeded"), [("development", True), ("test", False)])
async def test_admin_is_seeded_only_in_development(
    showcase: Showcase,
    started_app: App,
    client: AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    profile: str,
    seeded: bool,
) -> None:
    monkeypatch.setenv("SHIPYARD_PROFILE", profile)

    await run_seed(get_database(started_app), showcase.seed)
    await run_seed(get_database(started_app), showcase.seed)

    response = await client.post(
        "/auth/token", json={"email": "admin@example.test", "password": "showcase-admin-password"}
    )
    assert (response.status_code == 200) is seeded
    if seeded:
        bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
        created = await client.post("/api/ships", json={"name": "Nautilus"}, headers=bearer)
        assert created.status_code == 201


async def test_home_marks_accounts_available_and_links_the_pages(client: AsyncClient) -> None:
    html = (await client.get("/")).text

    assert re.search(
        r'<a href="/#accounts">Accounts &amp; API security</a>.*?status-available', html, re.S
    )
    assert '<h2 id="accounts">' in html
    for link in ('href="/account/register"', 'href="/account/login"', 'href="/account/"'):
        assert link in html
