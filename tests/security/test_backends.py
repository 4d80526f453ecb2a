"""Both real session stores, directly and behind the app: SQLite (default) and Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.security.conftest import ClientFactory

from shipyard.config.models import DatabaseSettings
from shipyard.core.clock import utc_now
from shipyard.db import Database
from shipyard.sessions import SESSION_BACKEND
from shipyard.sessions.backends import SessionBackend
from shipyard.sessions.database import DatabaseSessionBackend
from shipyard.sessions.redis import RedisSessionBackend
from shipyard.testing.schema import create_schema
from shipyard.testing.services import redis_url, require_port

COOKIE = "shipyard_session"


def _require_redis() -> str:
    url = redis_url()
    host_port = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    require_port("Redis", host or "127.0.0.1", int(port or 6379))
    return url


@pytest.fixture
async def sqlite_backend(tmp_path: Path) -> AsyncIterator[DatabaseSessionBackend]:
    database = Database(DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/s.db"), tmp_path)
    backend = DatabaseSessionBackend(database)
    await create_schema(database)
    yield backend
    await database.dispose()


@pytest.fixture
async def redis_backend() -> AsyncIterator[RedisSessionBackend]:
    backend = RedisSessionBackend.from_url(_require_redis(), f"test:{uuid.uuid4().hex}:")
    yield backend
    await backend.close()


async def _roundtrip(backend: SessionBackend) -> None:
    now = utc_now()
    assert await backend.load("missing") is None
    await backend.save("abc", '{"a": 1}', now + timedelta(hours=1))
    record = await backend.load("abc")
    assert record is not None
    assert record.payload == '{"a": 1}'
    assert abs(record.expires_at - (now + timedelta(hours=1))) < timedelta(seconds=2)
    await backend.save("abc", '{"a": 2}', now + timedelta(hours=1))
    record = await backend.load("abc")
    assert record is not None
    assert record.payload == '{"a": 2}'
    await backend.touch("abc", now + timedelta(hours=3))
    record = await backend.load("abc")
    assert record is not None
    assert record.expires_at > now + timedelta(hours=2)
    await backend.delete("abc")
    await backend.delete("abc")
    assert await backend.load("abc") is None


async def test_database_backend_roundtrip(sqlite_backend: DatabaseSessionBackend) -> None:
    await _roundtrip(sqlite_backend)


async def test_database_backend_hides_and_purges_expired(
    sqlite_backend: DatabaseSessionBackend,
) -> None:
    await sqlite_backend.save("old", "{}", utc_now() - timedelta(seconds=1))
    await sqlite_backend.save("new", "{}", utc_now() + timedelta(hours=1))
    assert await sqlite_backend.load("old") is None
    assert await sqlite_backend.purge_expired() == 1
    assert await sqlite_backend.load("new") is not None


@pytest.mark.redis
async def test_redis_backend_roundtrip(redis_backend: RedisSessionBackend) -> None:
    await _roundtrip(redis_backend)


@pytest.mark.redis
async def test_redis_backend_expires(redis_backend: RedisSessionBackend) -> None:
    await redis_backend.save("gone", "{}", utc_now() + timedelta(milliseconds=50))
    ttl = await redis_backend.client.pttl(redis_backend.prefix + "gone")
    assert 0 < ttl <= 50


def _become(client: TestClient, cookie: str) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie, domain="testserver.local")


def _persists(client: TestClient) -> None:
    """Same event loop throughout (one client), switching identities by cookie."""
    assert [client.get("/count").json()["count"] for _ in range(3)] == [1, 2, 3]
    mine = client.cookies[COOKIE]
    client.cookies.clear()
    assert client.get("/count").json() == {"count": 1}  # another browser
    _become(client, mine)
    token = client.get("/token").text
    assert client.post("/login", headers={"X-CSRF-Token": token}).status_code == 200
    rotated = client.cookies[COOKIE]
    assert rotated != mine
    assert client.get("/count").json() == {"count": 4}
    _become(client, mine)
    assert client.get("/peek").json() == {}  # the pre-login id is dead


def test_app_on_sqlite_default_backend(make_client: ClientFactory, tmp_path: Path) -> None:
    client = make_client()
    backend = SESSION_BACKEND.get(client.app)  # type: ignore[arg-type]
    assert isinstance(backend, DatabaseSessionBackend)
    _persists(client)


def test_app_starts_and_serves_while_the_database_is_down(make_client: ClientFactory) -> None:
    client = make_client(database={"url": "postgresql+asyncpg://u:p@127.0.0.1:1/x"})
    assert client.get("/plain").status_code == 200
    assert client.get("/token").status_code == 200


@pytest.mark.redis
def test_app_on_redis_backend(make_client: ClientFactory) -> None:
    url = _require_redis()
    client = make_client(
        sessions={"backend": "redis", "redis_url": url, "redis_prefix": f"t:{uuid.uuid4().hex}:"}
    )
    backend = SESSION_BACKEND.get(client.app)  # type: ignore[arg-type]
    assert isinstance(backend, RedisSessionBackend)
    _persists(client)
