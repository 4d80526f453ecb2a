"""Refresh-token families, the denylist and user-wide revocation, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from tests.tokens.fixtures import MakeSettings, MakeUser

from shipyard.auth.tokens import (
    TOKENS,
    InvalidRefreshToken,
    RefreshRace,
    RefreshToken,
    RefreshTokenReused,
    RevokedAccessToken,
    RevokedToken,
    TokenPair,
    TokenService,
    revoke_user_tokens,
)
from shipyard.auth.tokens.refresh import hash_token
from shipyard.config.models import Settings
from shipyard.core.clock import utc_now
from shipyard.db import Database


async def issue(database: Database, service: TokenService, user_id: int, **kw: object) -> TokenPair:
    async with database.sessionmaker() as session, session.begin():
        return await service.issue(session, user_id, **kw)  # type: ignore[arg-type]


async def refresh(database: Database, service: TokenService, token: str) -> TokenPair:
    """Refresh in a transaction of its own, committed even when refused (like the endpoint)."""
    async with database.sessionmaker() as session:
        try:
            pair = await service.refresh(session, token)
        finally:
            await session.commit()
        return pair


async def is_revoked(database: Database, service: TokenService, access_token: str) -> bool:
    async with database.sessionmaker() as session:
        try:
            await service.authenticate(session, access_token)
        except RevokedAccessToken:
            return True
        return False


async def row(database: Database, raw: str) -> RefreshToken:
    async with database.sessionmaker() as session:
        found = await session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == hash_token(raw))
        )
    assert found is not None
    return found


async def test_refresh_rotates_within_the_family(
    database: Database, service: TokenService, make_user: MakeUser
) -> None:
    user = await make_user()
    first = await issue(database, service, user.id, scopes=["posts:read"])
    second = await refresh(database, service, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert second.scopes == frozenset({"posts:read"})
    old, new = await row(database, first.refresh_token), await row(database, second.refresh_token)
    assert old.used_at is not None
    assert new.used_at is None
    assert new.parent_id == old.id
    assert new.family_id == old.family_id
    assert new.user_id == user.id
    assert new.token_hash == hash_token(second.refresh_token)  # only the hash is stored
    assert second.refresh_token not in {old.token_hash, new.token_hash}
    third = await refresh(database, service, second.refresh_token)
    assert (await row(database, third.refresh_token)).family_id == old.family_id


async def test_reuse_revokes_the_whole_family_and_its_access_tokens(
    make_settings: MakeSettings, database: Database, make_user: MakeUser
) -> None:
    service = TokenService.from_settings(make_settings(tokens={"refresh_reuse_grace": 0}))
    user = await make_user()
    other = await issue(database, service, user.id)  # another family: untouched
    first = await issue(database, service, user.id)
    second = await refresh(database, service, first.refresh_token)
    with pytest.raises(RefreshTokenReused):
        await refresh(database, service, first.refresh_token)
    with pytest.raises(InvalidRefreshToken, match="revoked"):
        await refresh(database, service, second.refresh_token)
    assert await is_revoked(database, service, second.access_token)
    assert await is_revoked(database, service, first.access_token)
    assert not await is_revoked(database, service, other.access_token)
    assert (await refresh(database, service, other.refresh_token)).user_id == user.id


async def test_reuse_within_the_grace_period_is_refused_without_revoking(
    database: Database, service: TokenService, make_user: MakeUser
) -> None:
    user = await make_user()
    first = await issue(database, service, user.id)
    second = await refresh(database, service, first.refresh_token)
    with pytest.raises(RefreshRace):
        await refresh(database, service, first.refresh_token)
    assert not await is_revoked(database, service, second.access_token)
    await refresh(database, service, second.refresh_token)


@pytest.mark.parametrize("grace", [5.0, 0.0])
async def test_concurrent_refreshes_exactly_one_wins(
    make_settings: MakeSettings, database: Database, make_user: MakeUser, grace: float
) -> None:
    service = TokenService.from_settings(make_settings(tokens={"refresh_reuse_grace": grace}))
    user = await make_user()
    pair = await issue(database, service, user.id)
    for _ in range(3):  # a few rounds: each a real race between two connections
        results = await asyncio.gather(
            refresh(database, service, pair.refresh_token),
            refresh(database, service, pair.refresh_token),
            return_exceptions=True,
        )
        winners = [result for result in results if isinstance(result, TokenPair)]
        losers = [result for result in results if isinstance(result, InvalidRefreshToken)]
        assert len(winners) == 1, results
        assert len(losers) == 1, results
        if grace == 0:
            assert isinstance(losers[0], RefreshTokenReused)
            with pytest.raises(InvalidRefreshToken):
                await refresh(database, service, winners[0].refresh_token)
            return
        assert isinstance(losers[0], RefreshRace)
        pair = winners[0]
    assert (await refresh(database, service, pair.refresh_token)).user_id == user.id


async def test_expired_unknown_and_hostile_refresh_tokens_are_refused(
    database: Database, service: TokenService, make_user: MakeUser
) -> None:
    user = await make_user()
    old = await issue(database, service, user.id, now=utc_now() - timedelta(days=31))
    with pytest.raises(InvalidRefreshToken, match="expired"):
        await refresh(database, service, old.refresh_token)
    for hostile in ["", "nope", "x" * 10_000, "\x00" * 10, "' OR 1=1 --", "\ud800"]:
        with pytest.raises(InvalidRefreshToken):
            await refresh(database, service, hostile)


async def test_an_inactive_user_cannot_refresh(
    database: Database, service: TokenService, make_user: MakeUser
) -> None:
    user = await make_user(is_active=False)
    pair = await issue(database, service, user.id)
    with pytest.raises(InvalidRefreshToken, match="disabled"):
        await refresh(database, service, pair.refresh_token)
    assert await is_revoked(database, service, pair.access_token)


async def test_revoke_user_tokens_revokes_every_family(
    database: Database, service: TokenService, make_user: MakeUser
) -> None:
    user, bystander = await make_user(), await make_user()
    pairs = [await issue(database, service, user.id) for _ in range(2)]
    kept = await issue(database, service, bystander.id)
    app = Starlette()
    TOKENS.provide(app, service)
    async with database.sessionmaker() as session, session.begin():
        assert await revoke_user_tokens(session, user.id, app=app) == 2
    for pair in pairs:
        assert await is_revoked(database, service, pair.access_token)
        with pytest.raises(InvalidRefreshToken, match="revoked"):
            await refresh(database, service, pair.refresh_token)
    assert not await is_revoked(database, service, kept.access_token)
    async with database.sessionmaker() as session:  # an app without tokens: a no-op
        assert await revoke_user_tokens(session, user.id, app=Starlette()) == 0


async def test_revoking_a_refresh_token_revokes_its_family(
    database: Database, service: TokenService, make_user: MakeUser
) -> None:
    user = await make_user()
    first = await issue(database, service, user.id)
    second = await refresh(database, service, first.refresh_token)
    async with database.sessionmaker() as session, session.begin():
        assert await service.revoke_refresh(session, second.refresh_token) == 2
        assert await service.revoke_refresh(session, "unknown") == 0
    with pytest.raises(InvalidRefreshToken):
        await refresh(database, service, second.refresh_token)
    assert await is_revoked(database, service, first.access_token)


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def any_service(request: pytest.FixtureRequest) -> TokenService:
    """The token service with each denylist backend."""
    name = "service" if request.param == "database" else "redis_service"
    service: TokenService = request.getfixturevalue(name)
    return service


async def test_a_revoked_access_token_is_rejected_until_it_expires(
    database: Database, any_service: TokenService, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user()
    pair = await issue(database, any_service, user.id)
    bystander = await issue(database, any_service, user.id)
    async with database.sessionmaker() as session, session.begin():
        claims = await any_service.authenticate(session, pair.access_token)
        await any_service.revoke_access(session, claims)
    assert await is_revoked(database, any_service, pair.access_token)
    assert not await is_revoked(database, any_service, bystander.access_token)
    remembered_until = claims.expires_at + timedelta(seconds=settings.tokens.leeway + 1)
    denylist = any_service.denylist
    client = getattr(denylist, "client", None)
    if client is not None:  # Redis forgets the jti when the token would have expired
        ttl_ms = await client.pttl(denylist.prefix + claims.jti)  # type: ignore[attr-defined]
        expected_ms = (remembered_until - utc_now()).total_seconds() * 1000
        assert 0 < ttl_ms <= expected_ms + 50
        assert ttl_ms > expected_ms - 5000
    else:
        async with database.sessionmaker() as session:
            stored = await session.get(RevokedToken, claims.jti)
        assert stored is not None
        assert stored.expires_at == remembered_until


async def test_expired_entries_leave_the_database_denylist(
    database: Database, service: TokenService
) -> None:
    now = utc_now()
    async with database.sessionmaker() as session, session.begin():
        await service.denylist.add(session, [("live", now + timedelta(minutes=5))])
        await service.denylist.add(session, [("dead", now - timedelta(seconds=1))])  # skipped
        session.add(RevokedToken(jti="stale", expires_at=now - timedelta(seconds=5)))
    async with database.sessionmaker() as session, session.begin():
        assert await service.denylist.contains(session, "live")
        assert not await service.denylist.contains(session, "dead")
        assert not await service.denylist.contains(session, "stale")  # expired: ignored
        assert await service.denylist.purge_expired(session) == 1  # type: ignore[attr-defined]
        assert await session.get(RevokedToken, "stale") is None
