"""Structured logs: the request line and its context, job context, redaction, formats."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
import structlog
from fastapi import HTTPException, Request
from tests.observability.conftest import AppFactory, LogLines

from shipyard import App
from shipyard.auth import CurrentIdentity, create_user
from shipyard.db.extension import get_database
from shipyard.jobs import Job, JobContext, get_jobs
from shipyard.observability import configure_logging, get_logger, logs, request_id
from shipyard.observability.logs import (
    MASK,
    StandardErrorHandler,
    UtcStamper,
    json_line,
    merge_bound_context,
)
from shipyard.testing.credentials import login_session_cookie
from shipyard.testing.schema import create_tables

Capture = Callable[[App], LogLines]
ClientFor = Callable[[App], httpx.AsyncClient]
FRESH_ID = re.compile(r"^[0-9a-f]{32}$")


class Shout(Job):
    """Logs one line from inside a job."""

    word: str

    async def run(self, ctx: JobContext) -> None:
        logging.getLogger("tests.jobs").info("shouting %s", self.word)


def routes(app: App) -> App:
    @app.get("/ships/{ship_id}")
    async def ship(ship_id: int, request: Request) -> dict[str, object]:
        logging.getLogger("tests.ships").info("looked up ship %d", ship_id)
        return {"id": ship_id, "request_id": request_id(request.scope)}

    @app.get("/me")
    async def me(identity: CurrentIdentity) -> dict[str, str]:
        return {"email": identity.user.email}

    @app.get("/me/forbidden")
    async def forbidden(identity: CurrentIdentity) -> None:
        raise HTTPException(403, f"not for {identity.user.email}")  # rolls back: user expired

    @app.post("/shout")
    async def shout() -> dict[str, bool]:
        await get_jobs(app).enqueue(Shout(word="ahoy"))
        return {"queued": True}

    return app


async def test_every_request_gets_one_line_with_its_context(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    app = routes(make_app())
    async with app.router.lifespan_context(app):
        lines = capture(app)
        response = await client_for(app).get("/ships/7")
    assert response.status_code == 200
    identifier = response.headers["x-request-id"]
    assert FRESH_ID.match(identifier)
    assert response.json()["request_id"] == identifier
    [inside] = [r for r in lines.records() if r["logger"] == "tests.ships"]
    assert inside["event"] == "looked up ship 7"
    assert inside["request_id"] == identifier
    assert (inside["method"], inside["path"]) == ("GET", "/ships/7")
    [line] = lines.named("request")
    assert line["logger"] == "shipyard.access"
    assert line["level"] == "info"
    assert line["status"] == 200
    assert line["route"] == "/ships/{ship_id}"
    assert line["request_id"] == identifier
    assert line["client"] == "203.0.113.9"
    assert line["user_id"] is None
    assert line["duration_ms"] >= 0
    stamped = datetime.fromisoformat(line["timestamp"])
    assert stamped.tzinfo == UTC
    assert abs((datetime.now(UTC) - stamped).total_seconds()) < 60


def test_the_stamper_writes_utc_iso_with_microseconds_and_follows_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stamper = UtcStamper()
    clock = iter([1_700_000_000_250_000_000, 1_700_000_000_500_000_999, 1_700_000_001_000_007_000])
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    stamps = [stamper(None, "info", {})["timestamp"] for _ in range(3)]
    assert stamps == [
        "2023-11-14T22:13:20.250000Z",
        "2023-11-14T22:13:20.500000Z",
        "2023-11-14T22:13:21.000007Z",
    ]


async def test_the_context_merger_adds_what_structlogs_own_processor_adds() -> None:
    """Bound, rebound, unbound and task-local values: the same fields either way."""

    def both() -> tuple[dict[str, object], dict[str, object]]:
        ours = merge_bound_context(None, "info", {"event": "x", "path": "kept"})
        theirs = structlog.contextvars.merge_contextvars(
            None, "info", {"event": "x", "path": "kept"}
        )
        return dict(ours), dict(theirs)

    tokens = structlog.contextvars.bind_contextvars(request_id="r1", method="GET", path="/p")
    try:
        ours, theirs = both()
        assert ours == theirs == {"event": "x", "path": "kept", "request_id": "r1", "method": "GET"}
        structlog.contextvars.unbind_contextvars("method")

        async def in_a_task() -> tuple[dict[str, object], dict[str, object]]:
            structlog.contextvars.bind_contextvars(job="j")
            return both()

        ours, theirs = await asyncio.create_task(in_a_task())
        assert ours == theirs == {"event": "x", "path": "kept", "request_id": "r1", "job": "j"}
        assert both()[0] == both()[1] == {"event": "x", "path": "kept", "request_id": "r1"}
    finally:
        structlog.contextvars.reset_contextvars(**tokens)


def test_without_structlogs_registry_its_own_merger_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert logs._context_merger() is merge_bound_context
    monkeypatch.setattr(logs, "_BOUND_VARIABLES", None)
    assert logs._context_merger() is structlog.contextvars.merge_contextvars


async def test_the_line_names_the_user_once_the_request_was_authenticated(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    app = routes(make_app())
    async with app.router.lifespan_context(app):
        async with get_database(app).engine.begin() as connection:
            await connection.run_sync(create_tables)
        async with get_database(app).sessionmaker() as db, db.begin():
            user = await create_user(
                db, "ada@example.com", "a long passphrase", app.settings.auth, check_password=False
            )
        _, set_cookie = await login_session_cookie(app, user.id)
        cookie = set_cookie.decode("latin-1").split(";", 1)[0]
        lines = capture(app)
        response = await client_for(app).get("/me", headers={"Cookie": cookie})
        refused = await client_for(app).get("/me/forbidden", headers={"Cookie": cookie})
    assert response.json() == {"email": "ada@example.com"}
    assert refused.status_code == 403
    first, second = lines.named("request")
    assert first["user_id"] == second["user_id"] == user.id
    assert second["status"] == 403
    assert cookie.split("=", 1)[1] not in lines.stream.getvalue()


async def test_refusals_of_outer_layers_are_logged_and_carry_the_id(
    make_app: AppFactory, capture: Capture
) -> None:
    app = routes(make_app())
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="https://evil.example") as client,
    ):
        lines = capture(app)
        response = await client.get("/ships/1")
    assert response.status_code == 400
    assert FRESH_ID.match(response.headers["x-request-id"])
    [line] = lines.named("request")
    assert line["status"] == 400
    assert line["route"] is None  # refused before routing


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        pytest.param("lb-7f3a.91:2", True, id="well-formed"),
        pytest.param("x" * 129, False, id="too-long"),
        pytest.param("id with spaces", False, id="spaces"),
        pytest.param("id\u00e9", False, id="not-ascii"),
        pytest.param("", False, id="empty"),
        pytest.param('"><script>', False, id="markup"),
    ],
)
async def test_an_incoming_request_id_is_kept_only_when_well_formed(
    make_app: AppFactory, client_for: ClientFor, sent: str, kept: bool, restore_logging: None
) -> None:
    app = routes(make_app())
    async with app.router.lifespan_context(app):
        response = await client_for(app).get(
            "/ships/1", headers=[(b"X-Request-ID", sent.encode("utf-8"))]
        )
    answered = response.headers["x-request-id"]
    assert answered == sent if kept else FRESH_ID.match(answered)


async def test_an_untrusted_request_id_header_is_never_kept(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = routes(
        make_app(logging={"trust_request_id": False, "request_id_header": "X-Correlation-ID"})
    )
    async with app.router.lifespan_context(app):
        response = await client_for(app).get("/ships/1", headers={"X-Correlation-ID": "mine"})
    assert FRESH_ID.match(response.headers["x-correlation-id"])
    assert "x-request-id" not in response.headers


async def test_slow_requests_warn_even_with_the_access_line_off(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    quiet = routes(make_app(logging={"access_log": False}))
    async with quiet.router.lifespan_context(quiet):
        lines = capture(quiet)
        await client_for(quiet).get("/ships/1")
    assert lines.named("request") == []

    slow = routes(make_app(logging={"access_log": False, "slow_request_ms": 0.0001}))
    async with slow.router.lifespan_context(slow):
        lines = capture(slow)
        await client_for(slow).get("/ships/1")
    [line] = lines.named("slow request")
    assert line["level"] == "warning"
    assert line["route"] == "/ships/{ship_id}"


async def test_the_access_line_follows_the_log_level(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    """At ``logging.level = "WARNING"`` the INFO access line is not written; a slow
    request's WARNING line still is."""
    app = routes(make_app(logging={"level": "WARNING", "slow_request_ms": 60_000.0}))
    async with app.router.lifespan_context(app):
        lines = capture(app)
        await client_for(app).get("/ships/1")
    assert lines.named("request") == []

    slow = routes(make_app(logging={"level": "WARNING", "slow_request_ms": 0.0001}))
    async with slow.router.lifespan_context(slow):
        lines = capture(slow)
        await client_for(slow).get("/ships/1")
    [line] = lines.named("slow request")
    assert (line["level"], line["logger"]) == ("warning", "shipyard.access")


async def test_a_job_logs_with_its_id_name_queue_and_attempt(
    make_app: AppFactory, capture: Capture, client_for: ClientFor
) -> None:
    app = routes(make_app(jobs={"backend": "memory", "inline": True}))
    async with app.router.lifespan_context(app):
        lines = capture(app)
        response = await client_for(app).post("/shout")
    assert response.status_code == 200
    [line] = [r for r in lines.records() if r["logger"] == "tests.jobs"]
    assert line["event"] == "shouting ahoy"
    assert line["job"] == Shout.job_name()
    assert (line["queue"], line["attempt"]) == ("default", 1)
    assert line["job_id"]


def test_sensitive_fields_are_masked_in_every_line(make_app: AppFactory, capture: Capture) -> None:
    lines = capture(make_app(logging={"redact": ["ssn"]}))
    logging.getLogger("tests").info("stdlib", extra={"password": "hunter2", "ship": "Argo"})
    get_logger("tests").info(
        "structlog",
        token="eyJ.secret",
        headers={"Authorization": "Bearer abc", "Cookie": "s=1", "Accept": "text/html"},
        ssn="078-05-1120",
        api_key="sk_live_1",
    )
    stdlib_line, structlog_line = lines.records()
    assert stdlib_line["password"] == MASK
    assert stdlib_line["ship"] == "Argo"
    assert structlog_line["token"] == MASK
    assert structlog_line["headers"] == {
        "Authorization": MASK,
        "Cookie": MASK,
        "Accept": "text/html",
    }
    assert structlog_line["ssn"] == MASK
    assert structlog_line["api_key"] == MASK
    for secret in ("hunter2", "eyJ.secret", "Bearer abc", "078-05-1120", "sk_live_1"):
        assert secret not in lines.stream.getvalue()


def test_development_lines_are_readable_not_json(
    make_app: AppFactory, restore_logging: None
) -> None:
    stream = io.StringIO()
    configure_logging(make_app(profile="development").settings, stream)
    get_logger("tests").info("ship launched", ship="Argo")
    written = stream.getvalue()
    assert "ship launched" in written
    assert "ship=Argo" in written
    assert not written.lstrip().startswith("{")


def test_configuring_again_replaces_the_handler_and_levels_apply(
    make_app: AppFactory, restore_logging: None
) -> None:
    app = make_app(logging={"levels": {"tests.noisy": "ERROR"}})
    first, second = io.StringIO(), io.StringIO()
    configure_logging(app.settings, first)
    configure_logging(app.settings, second)
    logging.getLogger("tests.calm").info("once")
    logging.getLogger("tests.noisy").warning("dropped")
    assert first.getvalue() == ""
    assert second.getvalue().count("once") == 1
    assert "dropped" not in second.getvalue()
    assert logging.getLogger("uvicorn.access").disabled  # Shipyard writes the access line


def test_configure_false_leaves_the_apps_own_logging_alone(
    make_app: AppFactory, restore_logging: None
) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    configure_logging(make_app(logging={"configure": False}).settings, io.StringIO())
    assert root.handlers == before


def test_the_default_handler_follows_a_replaced_stderr(
    make_app: AppFactory, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(make_app().settings)
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h, StandardErrorHandler)]
    assert handler is not None
    structlog.get_logger("tests").warning("to stderr")
    assert "to stderr" in capsys.readouterr().err


def test_json_lines_carry_any_value() -> None:
    at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    line = json_line({"at": at, 7: "int key", "ship": Ship()})
    assert json.loads(line) == {
        "at": "2026-12-07T12:00:00+00:00",
        "7": "int key",
        "ship": "<Ship Fram>",
    }
    big = json_line({"big": 2**70, "ship": Ship()})  # beyond orjson's 64 bits
    assert json.loads(big) == {"big": 2**70, "ship": "<Ship Fram>"}


class Ship:
    """A value JSON has no type for: written as its str."""

    def __str__(self) -> str:
        return "<Ship Fram>"
