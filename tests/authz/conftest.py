"""Authorization fixtures: an App whose users and roles live in SQLite or PostgreSQL.

A test authenticator turns ``X-Test-User``/``X-Test-Method``/``X-Test-Scopes`` headers
into an Identity, so HasPermission is exercised through the real identity resolution for
session, JWT and API-key identities alike.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, cast

import pytest
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from starlette.testclient import TestClient

from shipyard import App, Settings
from shipyard.auth import Identity, OptionalIdentity, User, login, register_authenticator
from shipyard.auth.identity import Method
from shipyard.authz import HasAllPermissions, HasAnyPermission, HasPermission
from shipyard.db import get_database
from shipyard.testing.schema import create_tables
from shipyard.testing.services import postgres_url, require_port
from shipyard.web import get_templates

Run = Callable[..., Any]


async def header_authenticator(request: Any, session: AsyncSession) -> Identity | None:
    email = request.headers.get("x-test-user")
    if not email:
        return None
    user = (await session.scalars(select(User).where(User.email == email))).one_or_none()
    if user is None:
        return None
    scopes = request.headers.get("x-test-scopes")
    method = cast(Method, request.headers.get("x-test-method", "session"))
    return Identity(
        user,
        method,
        None if scopes is None else frozenset(filter(None, scopes.split(","))),
        "cred-1",
    )


def demo_router() -> APIRouter:
    router = APIRouter()

    @router.get("/posts/new")
    async def new_post(
        identity: Annotated[Identity, Depends(HasPermission("posts:create"))],
    ) -> dict[str, str]:
        return {"email": identity.user.email, "method": identity.method}

    @router.get("/any", dependencies=[Depends(HasAnyPermission("posts:delete", "users:read"))])
    async def any_route() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/all", dependencies=[Depends(HasAllPermissions("posts:read", "users:read"))])
    async def all_route() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/menu", response_class=HTMLResponse)
    async def menu(request: Request, identity: OptionalIdentity) -> str:
        template = get_templates(request.app).env.from_string(
            "{{ can('posts:create') }}/{{ can('users:delete') }}"
        )
        return template.render(request=request)

    @router.get("/test-login/{email}")
    async def test_login(request: Request, email: str) -> dict[str, bool]:
        database = get_database(request.app)
        async with database.sessionmaker() as session:
            user = (await session.scalars(select(User).where(User.email == email))).one()
        await login(request, user)
        return {"ok": True}

    return router


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'authz.db'}"
        return
    require_port("PostgreSQL", "127.0.0.1", 5432)
    name = f"authz_{uuid.uuid4().hex[:12]}"
    admin = postgres_url()

    async def admin_sql(statement: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.model_validate(
        {
            "profile": "test",
            "database": {"url": database_url},
            "ratelimit": {"enabled": False},
            "auth": {"argon2_time_cost": 1, "argon2_memory_cost": 8},
        }
    )


@pytest.fixture
def app(settings: Settings, tmp_path: Path) -> App:
    app = App(settings=settings, root=tmp_path)
    register_authenticator(app, header_authenticator, priority=50)
    app.include_router(demo_router())
    return app


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.portal.call(_create_tables, app)  # type: ignore[union-attr]
        yield test_client


async def _create_tables(app: App) -> None:
    async with get_database(app).engine.begin() as connection:
        await connection.run_sync(create_tables)


@pytest.fixture
def run(client: TestClient, app: App) -> Run:
    """Run ``fn(session)`` in a committed transaction on the app's database."""

    def runner(fn: Callable[[AsyncSession], Any]) -> Any:
        async def call() -> Any:
            async with get_database(app).sessionmaker() as session:
                result = await fn(session)
                await session.commit()
                return result

        return client.portal.call(call)  # type: ignore[union-attr]

    return runner
