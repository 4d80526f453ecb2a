"""`/up` and `/ready`: liveness touches nothing; readiness names each failing dependency."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

import httpx
import pytest
from tests.observability.conftest import AppFactory

from shipyard import App
from shipyard.core.app import AppBase
from shipyard.core.health import ReadinessCheck
from shipyard.extension import Extension
from shipyard.testing.services import redis_url, require_port

ClientFor = Callable[[App], httpx.AsyncClient]


async def test_both_answer_on_a_healthy_app(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = make_app()
    async with app.router.lifespan_context(app):
        client = client_for(app)
        up = await client.get("/up")
        ready = await client.get("/ready")
    assert (up.status_code, up.json()) == (200, {"status": "up"})
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert up.headers["cache-control"] == ready.headers["cache-control"] == "no-store"
    assert "/up" not in app.openapi()["paths"]
    assert "/ready" not in app.openapi()["paths"]


async def test_a_dead_database_fails_readiness_but_not_liveness(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = make_app(database={"url": "postgresql+asyncpg://ship:hunter2@127.0.0.1:1/fleet"})
    async with app.router.lifespan_context(app):
        client = client_for(app)
        up = await client.get("/up")
        ready = await client.get("/ready")
    assert up.status_code == 200
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert ready.json()["status"] == "not ready"
    assert checks["database"]["status"] == "failing"
    assert checks["database"]["error"]
    assert "hunter2" not in ready.text


class Stuck(Extension):
    """An extension whose dependency never answers."""

    name = "stuck"

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        async def never() -> None:
            await asyncio.sleep(3600)

        yield ReadinessCheck("stuck", never)


async def test_a_check_that_hangs_fails_within_the_timeout(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = make_app(health={"check_timeout": 0.05})
    app.add_extension(Stuck())
    async with app.router.lifespan_context(app):
        ready = await client_for(app).get("/ready")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["stuck"] == {
        "status": "failing",
        "duration_ms": checks["stuck"]["duration_ms"],
        "error": "no answer within 0.05s",
    }


async def test_redis_sessions_are_a_readiness_check(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    unreachable = make_app(sessions={"backend": "redis", "redis_url": "redis://127.0.0.1:1/0"})
    async with unreachable.router.lifespan_context(unreachable):
        ready = await client_for(unreachable).get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["sessions.redis"]["status"] == "failing"


@pytest.mark.redis
async def test_a_reachable_redis_passes(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    require_port("Redis", "127.0.0.1", 6379)
    app = make_app(sessions={"backend": "redis", "redis_url": redis_url()})
    async with app.router.lifespan_context(app):
        ready = await client_for(app).get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["sessions.redis"]["status"] == "ok"


async def test_probes_are_never_rate_limited(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = make_app(ratelimit={"ip": "2/minute"})
    async with app.router.lifespan_context(app):
        client = client_for(app)
        answers = [(await client.get("/up")).status_code for _ in range(5)]
        answers += [(await client.get("/ready")).status_code for _ in range(5)]
        elsewhere = [(await client.get("/nowhere")).status_code for _ in range(5)]
    assert answers == [200] * 10
    assert 429 in elsewhere


async def test_paths_move_and_the_probes_can_be_turned_off(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    moved = make_app(health={"up_path": "/livez", "ready_path": "/readyz"})
    async with moved.router.lifespan_context(moved):
        client = client_for(moved)
        assert (await client.get("/livez")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/up")).status_code == 404
    off = make_app(health={"enabled": False})
    async with off.router.lifespan_context(off):
        assert (await client_for(off).get("/up")).status_code == 404
