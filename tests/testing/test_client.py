"""``client.as_user`` / ``client.get_as``: real sessions, JWTs and API keys, CSRF, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.testing.support import Article, make_app

from shipyard.errors import ShipyardError
from shipyard.testing import Scenario, ShipyardClient, UserFactory
from shipyard.testing.client import Via

VIAS: list[Via] = ["session", "jwt", "api_key"]


@pytest.mark.parametrize("via", VIAS)
async def test_as_user_reaches_a_current_user_endpoint(
    client: ShipyardClient, db_session: AsyncSession, via: Via
) -> None:
    user = await UserFactory().create(db_session)
    assert (await client.get("/api/me")).status_code == 401
    authed = await client.as_user(user, via=via)
    response = await authed.get("/api/me")
    assert response.status_code == 200, response.text
    assert response.json() == {"id": user.id, "method": via}
    assert (await client.get("/api/me")).status_code == 401  # the parent stays anonymous


@pytest.mark.parametrize("via", VIAS)
async def test_permission_endpoint_follows_roles_for_every_method(
    client: ShipyardClient, db_session: AsyncSession, via: Via
) -> None:
    built = await (
        Scenario()
        .with_role("writer", permissions=["articles:create"])
        .with_user(roles=["writer"])
        .with_user()
        .build(db_session)
    )
    writer, reader = built.users
    allowed = await client.post_as(writer, "/api/articles", via=via, params={"title": "Hi"})
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["method"] == via
    denied = await client.post_as(reader, "/api/articles", via=via)
    assert denied.status_code == 403
    assert (await client.delete_as(writer, "/api/articles", via=via)).status_code == 403
    count = await db_session.scalar(select(func.count()).select_from(Article))
    assert count == 1


async def test_session_client_passes_csrf_and_without_the_token_is_refused(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    built = await Scenario().with_user(admin=True).build(db_session)
    authed = await client.as_user(built.admin)
    assert (await authed.post("/api/articles")).status_code == 201
    assert (await authed.delete("/api/articles")).status_code == 204
    bare = await client.as_user(built.admin, csrf=False)
    refused = await bare.post("/api/articles")
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    forged = await bare.post("/api/articles", headers={"X-CSRF-Token": "not-a-token"})
    assert forged.status_code == 403
    good = await bare.post("/api/articles", headers={"X-CSRF-Token": bare.csrf_token()})
    assert good.status_code == 201


async def test_csrf_token_of_another_session_is_refused(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    built = await Scenario().with_user(admin=True).build(db_session)
    first = await client.as_user(built.admin)
    second = await client.as_user(built.admin, csrf=False)
    stolen = await second.post("/api/articles", headers={"X-CSRF-Token": first.csrf_token()})
    assert stolen.status_code == 403


@pytest.mark.parametrize("via", VIAS)
async def test_inactive_user_is_refused_by_the_framework(
    client: ShipyardClient, db_session: AsyncSession, via: Via
) -> None:
    user = await UserFactory().create(db_session, is_active=False)
    assert (await client.get_as(user, "/api/me", via=via)).status_code == 401


async def test_get_as_reuses_one_credential_per_user_and_method(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    user = await UserFactory().create(db_session)
    first = await client.get_as(user, "/api/me")
    second = await client.get_as(user.id, "/api/me")
    assert first.json() == second.json() == {"id": user.id, "method": "session"}
    assert (await client.put_as(user, "/api/me")).status_code == 405
    assert (await client.patch_as(user, "/api/me", via="jwt")).status_code == 405


async def test_scoped_token_is_narrower_than_the_user(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    built = await Scenario().with_user(admin=True).build(db_session)
    narrow = await client.as_user(built.admin, via="api_key", scopes=["articles:delete"])
    assert (await narrow.post("/api/articles")).status_code == 403
    assert (await narrow.delete("/api/articles")).status_code == 204


async def test_bad_requests_for_credentials_say_what_to_do(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    with pytest.raises(ShipyardError, match="not in the database"):
        await client.as_user(987654)
    user = await UserFactory().create(db_session)
    with pytest.raises(ShipyardError, match="not a way to authenticate"):
        await client.as_user(user, via="password")  # type: ignore[arg-type]
    with pytest.raises(ShipyardError, match="cannot be restricted by scopes"):
        await client.as_user(user, scopes=["x:y"])
    with pytest.raises(ShipyardError, match="no session cookie"):
        client.csrf_token()
    unsaved = UserFactory().build()
    with pytest.raises(ShipyardError, match="not in the database"):
        await client.as_user(unsaved)


async def test_tokens_need_the_tokens_extension(tmp_path: Path) -> None:
    app = make_app(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}", tmp_path, tokens=False)
    from shipyard.db import get_database

    async with app.router.lifespan_context(app), ShipyardClient(app) as client:
        async with get_database(app).sessionmaker() as db, db.begin():
            user = await UserFactory().create(db)
        with pytest.raises(ShipyardError, match="no token service") as jwt_error:
            await client.as_user(user, via="jwt")
        assert "TokensExtension" in (jwt_error.value.hint or "")
        with pytest.raises(ShipyardError, match="does not accept API keys"):
            await client.as_user(user, via="api_key")
        session_client = await client.as_user(user)
        assert (await session_client.get("/api/me")).json()["method"] == "session"
