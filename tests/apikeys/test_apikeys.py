"""API keys: create (shown once), list, revoke, expiry, scopes, last use, hostile headers."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest
from tests.tokens.fixtures import MakeUser

from shipyard import App
from shipyard.auth.apikeys import (
    ApiKey,
    check_api_key,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from shipyard.config.models import ApiKeySettings
from shipyard.core.clock import utc_now
from shipyard.db import Database, get_database

OPTIONS = ApiKeySettings()


async def test_create_shows_the_key_once_and_stores_only_its_hash(
    database: Database, make_user: MakeUser
) -> None:
    user = await make_user()
    async with database.sessionmaker() as session, session.begin():
        created = await create_api_key(session, user, "CI deploys", scopes=["deploy:run"])
    key, record = created.key, created.record
    assert key.startswith("sk_")
    assert len(key) >= 3 + 8 + 43
    assert record.prefix == key[:11]
    assert record.last4 == key[-4:]
    assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert record.scopes == ["deploy:run"]
    async with database.sessionmaker() as session:
        stored = await session.get(ApiKey, record.id)
    assert stored is not None
    assert key not in {stored.prefix, stored.last4, stored.key_hash, stored.name}


async def test_list_and_revoke_are_per_user(database: Database, make_user: MakeUser) -> None:
    ada, bob = await make_user(), await make_user()
    async with database.sessionmaker() as session, session.begin():
        first = await create_api_key(session, ada, "first")
        second = await create_api_key(session, ada, "second")
        await create_api_key(session, bob, "bob's")
    async with database.sessionmaker() as session, session.begin():
        assert [k.name for k in await list_api_keys(session, ada)] == ["second", "first"]
        assert not await revoke_api_key(session, bob, first.record.id)  # not bob's key
        assert await revoke_api_key(session, ada, first.record.id)
        assert not await revoke_api_key(session, ada, first.record.id)  # already revoked
    async with database.sessionmaker() as session, session.begin():
        assert [k.name for k in await list_api_keys(session, ada)] == ["second"]
        everything = await list_api_keys(session, ada, include_revoked=True)
        assert {k.name for k in everything} == {"first", "second"}
        assert await check_api_key(session, first.key, OPTIONS) is None
        assert await check_api_key(session, second.key, OPTIONS) is not None


async def test_expired_keys_are_refused(database: Database, make_user: MakeUser) -> None:
    user = await make_user()
    soon = utc_now() + timedelta(hours=1)
    async with database.sessionmaker() as session, session.begin():
        created = await create_api_key(session, user, "temp", expires_at=soon)
    async with database.sessionmaker() as session, session.begin():
        assert await check_api_key(session, created.key, OPTIONS) is not None
        later = soon + timedelta(seconds=1)
        assert await check_api_key(session, created.key, OPTIONS, now=later) is None


async def test_last_use_is_recorded_at_most_once_per_interval(
    database: Database, make_user: MakeUser
) -> None:
    user = await make_user()
    async with database.sessionmaker() as session, session.begin():
        created = await create_api_key(session, user, "ci")
    start = utc_now()
    for moment in (start, start + timedelta(seconds=30), start + timedelta(seconds=61)):
        async with database.sessionmaker() as session, session.begin():
            assert await check_api_key(session, created.key, OPTIONS, now=moment) is not None
    async with database.sessionmaker() as session:
        stored = await session.get(ApiKey, created.record.id)
    assert stored is not None
    assert stored.last_used_at == start + timedelta(seconds=61)


async def test_near_miss_keys_are_refused(database: Database, make_user: MakeUser) -> None:
    user = await make_user()
    async with database.sessionmaker() as session, session.begin():
        key = (await create_api_key(session, user, "ci")).key
    flipped = key[:-1] + ("A" if key[-1] != "A" else "B")
    hostile = [
        flipped,  # same visible prefix, another secret
        "pk_" + key[3:],  # wrong prefix
        key[:11],  # the visible part alone
        key + "x" * 200,
        key.replace("sk_", "sk_\u00e9", 1),
        "",
        "' OR 1=1 --",
    ]
    async with database.sessionmaker() as session:
        for candidate in hostile:
            assert await check_api_key(session, candidate, OPTIONS) is None, candidate


async def test_invalid_names_and_scopes_are_refused(
    database: Database, make_user: MakeUser
) -> None:
    user = await make_user()
    async with database.sessionmaker() as session:
        with pytest.raises(ValueError, match="name"):
            await create_api_key(session, user, "   ")
        with pytest.raises(ValueError, match="scope"):
            await create_api_key(session, user, "ok", scopes=["has space"])
        assert await list_api_keys(session, user) == []


async def test_x_api_key_authenticates_with_the_key_scopes(
    app: App, client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    user = await app_user()
    async with get_database(app).sessionmaker() as session, session.begin():
        scoped = await create_api_key(session, user, "read only", scopes=["posts:read"])
        full = await create_api_key(session, user, "everything")
    me = await client.get("/me", headers={"X-API-Key": scoped.key})
    assert me.status_code == 200
    assert me.json() == {
        "user_id": user.id,
        "method": "api_key",
        "scopes": ["posts:read"],
        "credential_id": str(scoped.record.id),
    }
    assert (await client.get("/me", headers={"X-API-Key": full.key})).json()["scopes"] is None
    async with get_database(app).sessionmaker() as session:
        used = await session.get(ApiKey, scoped.record.id)
    assert used is not None
    assert used.last_used_at is not None


async def test_keys_of_inactive_users_and_revoked_keys_are_refused(
    app: App, client: httpx.AsyncClient, app_user: MakeUser
) -> None:
    sleeper, active = await app_user(is_active=False), await app_user()
    async with get_database(app).sessionmaker() as session, session.begin():
        inactive_key = await create_api_key(session, sleeper, "k")
        revoked = await create_api_key(session, active, "k")
        await revoke_api_key(session, active, revoked.record.id)
    for key in (inactive_key.key, revoked.key):
        response = await client.get("/me", headers={"X-API-Key": key, "Accept": "application/json"})
        assert response.status_code == 401


@pytest.mark.parametrize("value", ["garbage", "sk_" + "x" * 5000, "pk_abcdefgh" + "y" * 43, " "])
async def test_hostile_api_key_headers_get_401(client: httpx.AsyncClient, value: str) -> None:
    response = await client.get("/me", headers={"X-API-Key": value, "Accept": "application/json"})
    assert response.status_code == 401
