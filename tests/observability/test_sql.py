"""Slow statements and repeated statements (N+1) logged with their request."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import text
from tests.observability.conftest import HOST, AppFactory, LogLines

from shipyard import App
from shipyard.db import DbSession

Capture = Callable[[App], LogLines]
ClientFor = Callable[[App], httpx.AsyncClient]
DEBUG_SITE = {"debug": True, "base_url": f"https://{HOST}", "allowed_hosts": [HOST]}


def with_queries(app: App) -> App:
    @app.get("/secret")
    async def secret(db: DbSession) -> dict[str, str]:
        value = await db.scalar(text("SELECT :word"), {"word": "hunter2"})
        return {"said": str(value)}

    @app.get("/loop")
    async def loop(db: DbSession) -> dict[str, int]:
        total = 0
        for n in range(7):
            total += int(await db.scalar(text("SELECT :n + 1"), {"n": n}) or 0)
        return {"total": total}

    return app


async def test_a_slow_statement_is_logged_with_its_request_never_its_parameters(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    app = with_queries(make_app(logging={"slow_query_ms": 0.0001}))
    async with app.router.lifespan_context(app):
        lines = capture(app)
        response = await client_for(app).get("/secret")
    assert response.json() == {"said": "hunter2"}
    [line] = [r for r in lines.named("slow statement") if "SELECT ?" in r["statement"]]
    assert line["level"] == "warning"
    assert line["logger"] == "shipyard.sql"
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["duration_ms"] > 0
    assert "hunter2" not in lines.stream.getvalue()


async def test_fast_statements_and_an_unset_threshold_log_nothing(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    for logging in ({"slow_query_ms": 60_000}, {"slow_query_ms": None}):
        app = with_queries(make_app(logging=logging))
        async with app.router.lifespan_context(app):
            lines = capture(app)
            await client_for(app).get("/secret")
        assert lines.named("slow statement") == []


async def test_debug_mode_warns_about_a_statement_run_again_and_again(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    app = with_queries(make_app(profile="development", app=DEBUG_SITE))
    async with app.router.lifespan_context(app):
        lines = capture(app)
        response = await client_for(app).get("/loop")
        await client_for(app).get("/secret")
    assert response.json() == {"total": 28}
    [line] = lines.named("repeated statement: a likely N+1 query")
    assert line["count"] == 7
    assert line["statement"] == "SELECT ? + 1"
    assert line["path"] == "/loop"
    assert "selectinload" in line["hint"]


async def test_no_tally_in_production_or_when_turned_off(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    for app in (
        with_queries(make_app()),
        with_queries(
            make_app(
                profile="development", app=DEBUG_SITE, logging={"repeated_query_warning": None}
            )
        ),
    ):
        async with app.router.lifespan_context(app):
            lines = capture(app)
            await client_for(app).get("/loop")
        assert lines.named("repeated statement: a likely N+1 query") == []
