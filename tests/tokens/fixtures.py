"""Shared fixtures for the token and API-key tests: SQLite and PostgreSQL, users, apps.

``__all__`` names the fixtures (the PostgreSQL ones of tests/db included): the conftest.py
of tests/tokens and tests/apikeys star-import exactly these.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from tests.db.backends import BACKENDS, backend_url
from tests.db.conftest import postgres_database_url, postgres_databases
from tests.db.tables import fresh_tables

from shipyard import App
from shipyard.auth.models import User
from shipyard.auth.passwords import hash_password
from shipyard.auth.tokens import RedisDenylist, TokenService, TokensExtension
from shipyard.config.models import AuthSettings, Settings
from shipyard.db import Database, get_database
from shipyard.testing.services import port_open, redis_url, unavailable

__all__ = [
    "app",
    "app_user",
    "client",
    "database",
    "db_url",
    "make_settings",
    "make_user",
    "postgres_database_url",
    "postgres_databases",
    "redis_service",
    "service",
    "settings",
]

PASSWORD = "correct horse battery staple"
FAST_AUTH = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}

MakeUser = Callable[..., Awaitable[User]]
MakeSettings = Callable[..., Settings]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for each backend (a SQLite file, a throwaway PostgreSQL database)."""
    return backend_url(request, tmp_path / "tokens.db")


@pytest.fixture
def make_settings(db_url: str) -> MakeSettings:
    """Test settings on ``db_url`` with cheap Argon2; keyword sections are merged in."""

    def factory(**sections: Any) -> Settings:
        data: dict[str, Any] = {
            "profile": "test",
            "database": {"url": db_url},
            "auth": FAST_AUTH,
            "app": {"plugins_autoload": False},
        }
        data.update(sections)
        return Settings.model_validate(data)

    return factory


@pytest.fixture
def settings(make_settings: MakeSettings) -> Settings:
    return make_settings()


@pytest.fixture
async def database(settings: Settings, tmp_path: Path) -> AsyncIterator[Database]:
    """The app tables created on the test database, dropped afterwards."""
    db = Database(settings.database, tmp_path)
    try:
        async with fresh_tables(db):
            yield db
    finally:
        await db.dispose()


@pytest.fixture
def make_user(database: Database) -> MakeUser:
    """Creates and commits a user (password ``PASSWORD``)."""

    async def factory(email: str | None = None, **fields: Any) -> User:
        async with database.sessionmaker() as session, session.begin():
            user = User(
                email=email or f"{uuid.uuid4().hex[:8]}@example.com",
                password_hash=await hash_password(PASSWORD, AuthSettings(**FAST_AUTH)),
                **fields,
            )
            session.add(user)
        return user

    return factory


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[TokenService]:
    """A token service with the database denylist."""
    tokens = TokenService.from_settings(settings)
    yield tokens
    await tokens.close()


@pytest.fixture
async def redis_service(settings: Settings) -> AsyncIterator[TokenService]:
    """A token service with the Redis denylist under a throwaway key prefix."""
    url = httpx.URL(redis_url())
    if not port_open(url.host or "127.0.0.1", url.port or 6379):
        unavailable(f"Redis is not reachable at {url.host}:{url.port}")
    prefix = f"shipyard-test:{uuid.uuid4().hex}:"
    denylist = RedisDenylist.from_url(redis_url(), prefix)
    tokens = TokenService.from_settings(settings, denylist)
    try:
        yield tokens
    finally:
        keys = [key async for key in denylist.client.scan_iter(match=prefix + "*")]
        if keys:
            await denylist.client.delete(*keys)
        await tokens.close()


async def commit(database: Database, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """Run ``work(session)`` in a transaction of its own and commit it."""
    async with database.sessionmaker() as session, session.begin():
        return await work(session)


@pytest.fixture
async def app(settings: Settings, tmp_path: Path) -> AsyncIterator[App]:
    """A started App with TokensExtension, its tables created, and a ``/me`` route."""
    from tests.tokens.routes import identity_router

    application = App(settings=settings, root=tmp_path, extensions=[TokensExtension()])
    application.include_router(identity_router())
    async with (
        application.router.lifespan_context(application),
        fresh_tables(get_database(application)),
    ):
        yield application


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def app_user(app: App) -> MakeUser:
    """Creates and commits a user in the started ``app``'s database."""

    async def factory(email: str | None = None, **fields: Any) -> User:
        async with get_database(app).sessionmaker() as session, session.begin():
            user = User(
                email=email or f"{uuid.uuid4().hex[:8]}@example.com",
                password_hash=await hash_password(PASSWORD, AuthSettings(**FAST_AUTH)),
                **fields,
            )
            session.add(user)
        return user

    return factory
