"""The ``pages`` benchmark apps: one HTML page (layout, session, CSRF token, flash).

* :func:`shipyard_app` / :func:`shipyard_redis_app`: a production-profile ``shipyard.App``
  with its default middleware (security headers with the strict CSP, sessions, CSRF); a
  :class:`~shipyard.web.PageRouter` page extending the framework's ``layouts/base.html``.
  Sessions on the database backend (SQLite file in a scratch dir) or on Redis.
* :func:`fastapi_app`: the same page hand-assembled on bare FastAPI + Jinja2 + Starlette's
  ``SessionMiddleware`` (signed-cookie sessions), a CSRF token kept in the session and a
  flash list.
* :func:`django_app`: Django 5 (:mod:`benchmarks.django_page`).

Every view bumps a visit counter in the session, flashes :func:`~benchmarks.page_data.welcome`
and renders it, so each request reads and writes its session. Servers load them with
``--factory``, e.g. ``uvicorn --factory benchmarks.pages:fastapi_app``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from benchmarks.apps import BENCHMARK_SITE, LOADTEST_RATELIMIT
from benchmarks.django_page import django_app
from benchmarks.page_data import PATH, ROWS, TEMPLATES, scratch_dir, welcome
from shipyard import App, Settings
from shipyard.security import flash, get_session
from shipyard.testing.schema import create_app_schema
from shipyard.web import PageRouter, render

SECRET_KEY = "benchmark-" + "x" * 40
REDIS_PREFIX = "shipyard-bench:session:"

shipyard_pages = PageRouter()


@shipyard_pages.get(PATH)
async def shipyard_page(request: Request) -> HTMLResponse:
    session = get_session(request)
    visits = int(session.get("visits", 0)) + 1
    session["visits"] = visits
    flash(request, welcome(visits), "info")
    return render(request, "bench/page.html", {"visits": visits, "rows": ROWS})


def shipyard_page_app(sessions: dict[str, str], **sections: Any) -> App:
    """The Shipyard page app with its sessions and any other settings ``sections``."""
    root = scratch_dir("shipyard-page-")
    settings = Settings.model_validate(
        {
            "profile": "production",
            "app": {"name": "benchmark", "secret_key": SECRET_KEY, **BENCHMARK_SITE},
            "database": {"url": f"sqlite+aiosqlite:///{root / 'app.db'}"},
            "sessions": sessions,
            "ratelimit": LOADTEST_RATELIMIT,
            **sections,
        }
    )
    app = App(settings=settings, root=root)
    app.on_startup(create_app_schema)
    app.add_template_dir(TEMPLATES / "shipyard")
    app.add_template_dir(TEMPLATES / "shared")
    app.include_router(shipyard_pages)
    return app


def shipyard_app() -> App:
    """Shipyard, sessions on the database backend (a fresh SQLite file)."""
    return shipyard_page_app({"backend": "database"})


def shipyard_redis_app() -> App:
    """Shipyard, sessions on Redis at 127.0.0.1:6379 (keys under ``shipyard-bench:``)."""
    return shipyard_page_app(
        {"backend": "redis", "redis_url": "redis://127.0.0.1:6379/0", "redis_prefix": REDIS_PREFIX}
    )


def fastapi_app() -> FastAPI:
    """Bare FastAPI + Jinja2 + Starlette's signed-cookie sessions, assembled by hand."""
    templates = Jinja2Templates(directory=[TEMPLATES / "fastapi", TEMPLATES / "shared"])
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SECRET_KEY, same_site="lax")

    @app.get(PATH, response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        session = request.session
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        visits = int(session.get("visits", 0)) + 1
        session["visits"] = visits
        session["flashes"] = [
            *session.get("flashes", []),
            {"level": "info", "message": welcome(visits)},
        ]
        context = {
            "visits": visits,
            "rows": ROWS,
            "csrf_token": session["csrf"],
            "messages": session.pop("flashes"),
        }
        return templates.TemplateResponse(request, "bench/page.html", context)

    return app


FACTORIES: dict[str, Callable[[], Any]] = {
    "fastapi": fastapi_app,
    "shipyard": shipyard_app,
    "shipyard_redis": shipyard_redis_app,
    "django": django_app,
}
"""App name -> factory (``<name>_app`` in this module); the runner and tests iterate it."""
