"""Direct reads (``shipyard.db.direct``) against the ORM, on SQLite and PostgreSQL.

A direct read must give what SQLAlchemy gives (same Python values: aware datetimes,
booleans, JSON), see the transaction's own uncommitted writes, and ``adopt`` must make
the object a query would have loaded: persistent, clean, and written back when changed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, bindparam, event, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, joinedload, mapped_column
from starlette.applications import Starlette

from shipyard.auth.models import Role, User
from shipyard.auth.users import load_user
from shipyard.core.clock import utc_now
from shipyard.db import Database
from shipyard.db.direct import DirectSelect, adopt, adoptable, column_keys

USER_COLUMNS = column_keys(User)
BY_EMAIL = DirectSelect(
    select(*(column for _, column in USER_COLUMNS)).where(User.email == bindparam("email"))
)


async def _user_with_role(session: AsyncSession) -> User:
    role = Role(name="editor", permissions=["posts:*", "ships:read"])
    user = User(email="Ada@Example.com", password_hash="x", is_verified=True, roles=[role])
    session.add(user)
    await session.flush()
    return user


def _statements(database: Database) -> list[str]:
    seen: list[str] = []
    event.listen(
        database.engine.sync_engine,
        "before_cursor_execute",
        lambda *args: seen.append(str(args[2])),
    )
    return seen


async def test_a_direct_read_gives_what_sqlalchemy_gives(database: Database) -> None:
    async with database.sessionmaker() as session, session.begin():
        user = await _user_with_role(session)
        connection = await session.connection()
        direct = await BY_EMAIL.first(connection, email="ada@example.com")
        through_orm = (
            await connection.execute(BY_EMAIL.statement, {"email": "ada@example.com"})
        ).one()
    assert direct == tuple(through_orm)
    values = dict(zip((key for key, _ in USER_COLUMNS), direct or (), strict=True))
    assert values["id"] == user.id
    assert values["is_verified"] is True
    assert values["is_active"] is True
    assert values["created_at"].tzinfo is not None
    assert abs(values["password_changed_at"] - utc_now()) < timedelta(minutes=1)


async def test_a_direct_read_sees_its_transactions_writes_and_nothing_else(
    database: Database,
) -> None:
    async with database.sessionmaker() as session, session.begin():
        await _user_with_role(session)
        assert await BY_EMAIL.all(await session.connection(), email="ada@example.com")
        assert await BY_EMAIL.first(await session.connection(), email="nobody@x") is None
        await session.rollback()
    async with database.sessionmaker() as session:
        assert await BY_EMAIL.all(await session.connection(), email="ada@example.com") == []


async def test_load_user_adopts_the_user_and_roles_the_orm_would_load(
    database: Database,
) -> None:
    app = Starlette()
    async with database.sessionmaker() as session, session.begin():
        user_id = (await _user_with_role(session)).id
    async with database.sessionmaker() as session:
        expected = await session.get(User, user_id, options=[joinedload(User.roles)])
        assert expected is not None
        wanted = {key: getattr(expected, key) for key, _ in USER_COLUMNS}
        wanted_roles = [(r.id, r.name, r.permissions, r.is_active) for r in expected.roles]
    async with database.sessionmaker() as session:
        statements = _statements(database)
        loaded = await load_user(session, app, user_id)
        assert loaded is not None
        assert not [s for s in statements if "users" in s], "the ORM was not asked"
        assert {key: getattr(loaded, key) for key, _ in USER_COLUMNS} == wanted
        assert [(r.id, r.name, r.permissions, r.is_active) for r in loaded.roles] == wanted_roles
        assert loaded in session.sync_session
        assert not session.sync_session.dirty
        assert await load_user(session, app, user_id) is loaded  # held: the same object
        assert await load_user(session, app, user_id + 1000) is None
        loaded.is_verified = False
        await session.commit()
    async with database.sessionmaker() as session:
        again = await session.get(User, user_id)
        assert again is not None
        assert again.is_verified is False


async def test_adopt_returns_the_object_the_session_already_holds(database: Database) -> None:
    async with database.sessionmaker() as session, session.begin():
        user = await _user_with_role(session)
        values: dict[str, Any] = {key: getattr(user, key) for key, _ in USER_COLUMNS}
        assert adopt(session, User, values) is user


class _Base(DeclarativeBase):
    """A registry of its own: these models never reach the app's metadata."""


class Vehicle(_Base):
    __tablename__ = "direct_vehicles"
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "vehicle"}  # noqa: RUF012
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column()


class Boat(Vehicle):
    __mapper_args__ = {"polymorphic_identity": "boat"}  # noqa: RUF012


class Truck(Vehicle):
    __tablename__ = "direct_trucks"
    __mapper_args__ = {"polymorphic_identity": "truck"}  # noqa: RUF012
    id: Mapped[int] = mapped_column(ForeignKey("direct_vehicles.id"), primary_key=True)


class Plain(_Base):
    __tablename__ = "direct_plain"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_polymorphic_and_joined_models_are_left_to_the_orm() -> None:
    assert adoptable(User)
    assert adoptable(Role)
    assert adoptable(Plain)
    assert not adoptable(Vehicle)
    assert not adoptable(Boat)
    assert not adoptable(Truck)


async def test_a_driver_without_a_direct_path_runs_through_sqlalchemy(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}")
    query = DirectSelect(select(bindparam("n", type_=Integer) + 1, bindparam("word", type_=String)))
    try:
        async with engine.connect() as connection:
            assert await query.all(connection, n=41, word="ok") == [(42, "ok")]
    finally:
        await engine.dispose()
