"""The ``auth`` benchmark apps: one JSON endpoint, with and without authentication or a limit.

Every variant is a production-profile ``shipyard.App`` with its default middleware, the
benchmark's global rate limits (:data:`~benchmarks.apps.LOADTEST_RATELIMIT`), a SQLite
file database under a scratch directory and ``TokensExtension`` on. They all serve
``GET /json`` -> :data:`~benchmarks.apps.PAYLOAD` plus ``"user"`` (the authenticated
email, or null), and differ only in what guards it:

* ``none``: nothing (the baseline);
* ``session`` / ``session_redis``: ``current_user`` with a login session cookie, sessions
  on the database or on Redis;
* ``jwt``: ``current_user`` with a bearer access token;
* ``api_key``: ``current_user`` with an ``X-API-Key``;
* ``ratelimit`` / ``ratelimit_redis``: no user, a per-route
  ``Depends(RateLimit(ROUTE_LIMIT))`` with memory or Redis storage (Redis storage also
  holds the global limits' counters).

:func:`prepare` is the setup step: it creates the tables, the benchmark user and the
variant's credential through the framework's own code (:mod:`shipyard.testing.credentials`)
and returns the headers the load sends. Servers load the apps with ``--factory``, e.g.
``uvicorn --factory benchmarks.auth:jwt_app``; the runner's environment
(``$SHIPYARD_BENCH_DIR``) puts the server on the database :func:`prepare` filled.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from fastapi import Depends

from benchmarks.apps import BENCHMARK_SITE, LOADTEST_RATELIMIT, PATH, PAYLOAD
from benchmarks.page_data import SCRATCH_ENV
from benchmarks.probes import json_problem
from shipyard import App, Settings
from shipyard.auth import CurrentIdentity, create_user, find_by_email
from shipyard.auth.tokens import TokensExtension
from shipyard.db.extension import get_database
from shipyard.ratelimit import RateLimit
from shipyard.testing.credentials import access_token, api_key, login_session_cookie
from shipyard.testing.schema import create_tables

Credential = Literal["session", "jwt", "api_key"]

EMAIL = "bench@example.com"
"""The benchmark user, created once per database."""
ROUTE_LIMIT = "1000000000/minute"
"""The per-route limit of the ``ratelimit`` variants: counted on every request, never hit."""
REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_PREFIX = "shipyard-bench:"
SECRET_KEY = "benchmark-" + "x" * 40


@dataclass(frozen=True)
class Variant:
    """What guards the endpoint, and where sessions and rate-limit counters live."""

    credential: Credential | None = None
    sessions: Literal["database", "redis"] = "database"
    route_limit: bool = False
    ratelimit_storage: Literal["memory", "redis"] = "memory"


VARIANTS: dict[str, Variant] = {
    "none": Variant(),
    "session": Variant("session"),
    "session_redis": Variant("session", sessions="redis"),
    "jwt": Variant("jwt"),
    "api_key": Variant("api_key"),
    "ratelimit": Variant(route_limit=True),
    "ratelimit_redis": Variant(route_limit=True, ratelimit_storage="redis"),
}
"""Variant name -> what it measures; ``<name>_app`` in this module builds it."""


def expected_body(user: str | None) -> dict[str, Any]:
    """What ``GET /json`` answers when ``user`` (an email, or None) is authenticated."""
    return {**PAYLOAD, "user": user}


def root_in(base: Path) -> Path:
    """The auth apps' directory (their SQLite database) under a scratch directory."""
    return base / "auth"


def build(name: str, root: Path) -> App:
    """The app of variant ``name`` with its files (``app.db``) in ``root``."""
    variant = VARIANTS[name]
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings.model_validate(
        {
            "profile": "production",
            "app": {"name": "benchmark", "secret_key": SECRET_KEY, **BENCHMARK_SITE},
            "database": {"url": f"sqlite+aiosqlite:///{root / 'app.db'}"},
            "sessions": {
                "backend": variant.sessions,
                "redis_url": REDIS_URL,
                "redis_prefix": REDIS_PREFIX + "session:",
            },
            "ratelimit": {
                **LOADTEST_RATELIMIT,
                "storage": variant.ratelimit_storage,
                "redis_url": REDIS_URL,
                "key_prefix": REDIS_PREFIX + "ratelimit",
            },
        }
    )
    app = App(settings=settings, root=root, extensions=[TokensExtension(prefix=None)])
    if variant.credential is not None:

        @app.get(PATH)
        async def authenticated(identity: CurrentIdentity) -> dict[str, Any]:
            return expected_body(identity.user.email)

    else:
        guards = [Depends(RateLimit(ROUTE_LIMIT))] if variant.route_limit else []

        @app.get(PATH, dependencies=guards)
        async def anonymous() -> dict[str, Any]:
            return expected_body(None)

    return app


def _root() -> Path:
    return root_in(Path(os.environ.get(SCRATCH_ENV) or tempfile.gettempdir()))


def none_app() -> App:
    """No authentication, no route limit: the baseline."""
    return build("none", _root())


def session_app() -> App:
    """``current_user`` from a login session on the database backend."""
    return build("session", _root())


def session_redis_app() -> App:
    """``current_user`` from a login session on Redis (127.0.0.1:6379)."""
    return build("session_redis", _root())


def jwt_app() -> App:
    """``current_user`` from a bearer JWT access token."""
    return build("jwt", _root())


def api_key_app() -> App:
    """``current_user`` from an ``X-API-Key``."""
    return build("api_key", _root())


def ratelimit_app() -> App:
    """No user; a per-route ``RateLimit`` counted in memory."""
    return build("ratelimit", _root())


def ratelimit_redis_app() -> App:
    """No user; a per-route ``RateLimit`` counted in Redis (so are the global limits)."""
    return build("ratelimit_redis", _root())


FACTORIES: dict[str, Callable[[], App]] = {
    "none": none_app,
    "session": session_app,
    "session_redis": session_redis_app,
    "jwt": jwt_app,
    "api_key": api_key_app,
    "ratelimit": ratelimit_app,
    "ratelimit_redis": ratelimit_redis_app,
}
"""Variant name -> factory, in table order; the runner and the tests iterate over this."""


@dataclass(frozen=True)
class Prepared:
    """A variant's credential headers and the identity the endpoint must then name."""

    headers: dict[str, str] = field(default_factory=dict)
    user: str | None = None

    def problem(self, response: httpx.Response) -> str | None:
        """Why ``response`` is not the endpoint's answer for this identity (None if it is)."""
        return json_problem(response, expected_body(self.user))


async def _session_cookie(app: App, user_id: int) -> dict[str, str]:
    _, set_cookie = await login_session_cookie(app, user_id)
    return {"Cookie": set_cookie.decode("latin-1").split(";", 1)[0]}


async def _bearer(app: App, user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {await access_token(app, user_id)}"}


async def _api_key(app: App, user_id: int) -> dict[str, str]:
    return {app.settings.tokens.api_keys.header_name: await api_key(app, user_id)}


CREDENTIALS: dict[Credential, Callable[[App, int], Awaitable[dict[str, str]]]] = {
    "session": _session_cookie,
    "jwt": _bearer,
    "api_key": _api_key,
}
"""How each credential is made and sent (the header wrk repeats with ``-H``)."""


async def _user_id(app: App) -> int:
    """The benchmark user's id, created on first use (active, with a random password)."""
    async with get_database(app).sessionmaker() as db, db.begin():
        user = await find_by_email(db, EMAIL)
        if user is None:
            password = secrets.token_urlsafe(24)
            user = await create_user(db, EMAIL, password, app.settings.auth, check_password=False)
        return user.id


async def prepare(name: str, root: Path) -> Prepared:
    """Set up variant ``name`` in ``root``: tables, the user, a fresh credential.

    Runs the app's lifespan around the work, so sessions, tokens and keys are made by the
    same configured services the server will check them with.
    """
    app = build(name, root)
    credential = VARIANTS[name].credential
    async with app.router.lifespan_context(app):
        async with get_database(app).engine.begin() as connection:
            await connection.run_sync(create_tables)
        if credential is None:
            return Prepared()
        headers = await CREDENTIALS[credential](app, await _user_id(app))
    return Prepared(headers, EMAIL)
