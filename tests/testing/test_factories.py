"""Factories and Scenario: unique sequences, real rows, roles, references, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.testing.support import Article

from shipyard.auth import Role, User, verify_password
from shipyard.errors import ShipyardError
from shipyard.testing import Scenario, UserFactory, factory_for, role_factory
from shipyard.testing.factories import DEFAULT_PASSWORD, FAST_HASHING


async def test_sequences_are_unique_across_factories_and_batches(
    db_session: AsyncSession,
) -> None:
    users = await UserFactory().create_batch(db_session, 3)
    users.append(await UserFactory().create(db_session))
    emails = [user.email for user in users]
    assert len(set(emails)) == 4
    assert all(email.startswith("user") and email.endswith("@example.test") for email in emails)
    stored = await db_session.scalar(select(func.count()).select_from(User))
    assert stored == 4


async def test_factory_for_formats_sequences_and_calls_callables(
    db_session: AsyncSession,
) -> None:
    articles = factory_for(Article, title="Article {n}")
    first, second = await articles.create_batch(db_session, 2)
    assert first.id is not None
    assert second.id is not None
    assert first.title != second.title
    numbered = factory_for(Article, title=lambda n: f"#{n}")
    made = await numbered.create(db_session, author_id=None)
    assert made.title.startswith("#")
    override = await articles.create(db_session, title="fixed")
    assert override.title == "fixed"
    with pytest.raises(ValueError, match="count of 0 or more"):
        await articles.create_batch(db_session, -1)


async def test_user_factory_hashes_the_password_and_sets_roles(db_session: AsyncSession) -> None:
    role = await role_factory(permissions=["a:b"]).create(db_session)
    user = await UserFactory().create(db_session, password="another password!", roles=[role])
    assert (await verify_password("another password!", user.password_hash, FAST_HASHING))[0]
    assert not (await verify_password(DEFAULT_PASSWORD, user.password_hash, FAST_HASHING))[0]
    assert [r.name for r in user.roles] == [role.name]
    assert user.is_active
    assert user.is_verified


async def test_scenario_builds_what_it_declares(db_session: AsyncSession) -> None:
    built = await (
        Scenario()
        .with_role("editor", permissions=["articles:*"])
        .with_user(admin=True)
        .with_user(roles=["editor"], email="Ed@Example.test")
        .with_(Article, 5, author_id=lambda s: s.users[1].id, title="Post {n}")
        .build(db_session)
    )
    assert len(built.users) == 2
    assert built.admin is built.users[0] is built.user
    assert [role.name for role in built.admin.roles] == ["admin"]
    assert built.roles["admin"].permissions == ["*"]
    assert built.roles["editor"].permissions == ["articles:*"]
    assert built.users[1].email == "ed@example.test"
    assert built.users[1].roles == [built.roles["editor"]]
    articles = built.all(Article)
    assert articles == built.objects[Article]
    assert len({article.title for article in articles}) == 5
    assert {article.author_id for article in articles} == {built.users[1].id}
    stored = await db_session.scalar(select(func.count()).select_from(Article))
    assert stored == 5
    assert await db_session.scalar(select(func.count()).select_from(Role)) == 2


async def test_scenario_refuses_what_it_cannot_build(db_session: AsyncSession) -> None:
    with pytest.raises(ShipyardError, match="does not declare"):
        await Scenario().with_user(roles=["ghost"]).build(db_session)
    with pytest.raises(ShipyardError, match="already declares"):
        Scenario().with_role("x").with_role("x")
    with pytest.raises(ShipyardError, match="lacks"):
        await (
            Scenario()
            .with_role("admin", permissions=["a:b"])
            .with_user(admin=True)
            .build(db_session)
        )
    with pytest.raises(ValueError, match="count"):
        Scenario().with_(Article, -2)
    empty = await Scenario().build(db_session)
    with pytest.raises(ShipyardError, match="no admin"):
        _ = empty.admin
    with pytest.raises(ShipyardError, match="no users"):
        _ = empty.user
