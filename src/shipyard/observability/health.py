"""The liveness and readiness endpoints (``health.up_path``, ``health.ready_path``).

Liveness (``/up``) touches nothing: it answers 200 while the process serves requests, so
an orchestrator restarts only a process that is truly stuck. Readiness (``/ready``) runs
every extension's readiness checks (the database answers, migrations are applied, Redis
answers where it is used) concurrently, each within ``health.check_timeout``: 200 when
all pass, else 503, the body naming each check's status, time and error either way.
Neither is in the OpenAPI schema, nor rate limited, nor cached.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from shipyard.core.app import AppBase
from shipyard.core.health import ReadinessCheck, run_readiness
from shipyard.core.services import Service

READINESS: Service[list[ReadinessCheck]] = Service("readiness", list, "readiness checks")
"""Every extension's :class:`ReadinessCheck`, gathered on the first readiness probe."""
NO_STORE = {"Cache-Control": "no-store"}


def gather_checks(app: AppBase) -> list[ReadinessCheck]:
    """The readiness checks of every extension of a started app, in registration order."""
    return [check for extension in app.extensions for check in extension.readiness_checks(app)]


async def up() -> JSONResponse:
    """Liveness: the process serves requests."""
    return JSONResponse({"status": "up"}, headers=NO_STORE)


async def ready(request: Request) -> JSONResponse:
    """Readiness: every check passes (200), or which do not (503)."""
    application: AppBase = request.app
    checks = READINESS.get_or_create(application, lambda: gather_checks(application))
    timeout = application.settings.health.check_timeout
    results = await run_readiness(checks, seconds=timeout)
    healthy = all(result.ok for result in results)
    body = {
        "status": "ready" if healthy else "not ready",
        "checks": {result.name: result.as_json() for result in results},
    }
    return JSONResponse(body, status_code=200 if healthy else 503, headers=NO_STORE)


def health_router(app: AppBase) -> APIRouter:
    """The two probe routes, at the paths the settings name."""
    options = app.settings.health
    router = APIRouter(include_in_schema=False)
    router.add_api_route(options.up_path, up, methods=["GET"], name="health_up")
    router.add_api_route(options.ready_path, ready, methods=["GET"], name="health_ready")
    return router
