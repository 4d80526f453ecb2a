"""The benchmark apps: the same ``GET /json`` endpoint in each framework, as factories.

Each factory builds a fresh ASGI app that answers ``GET /json`` with :data:`PAYLOAD`
written the idiomatic way for its framework (a returned ``dict`` where the framework
serialises it, an explicit ``JSONResponse`` in Starlette). Servers load them with
``--factory``, e.g. ``uvicorn --factory benchmarks.apps:fastapi_app``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from litestar import Litestar, get
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks.otlp_sink import start_sink
from benchmarks.payload import PATH, PAYLOAD
from shipyard import App, Settings
from shipyard.testing.schema import create_app_schema

__all__ = ["FACTORIES", "PATH", "PAYLOAD"]

LOADTEST_RATELIMIT = {
    "ip": "1000000000/minute",
    "user": "1000000000/minute",
    "strategy": "fixed-window",
}
"""Shipyard's global rate limits in the benchmarks: one loopback client stands in for many
visitors, so the limiter keeps counting every request but the load never reaches it. The
fixed window keeps one counter per key; a moving window would keep one timestamp per
request, which at a billion a minute measures list growth, not the limiter."""

BENCHMARK_SITE = {"base_url": "https://bench.example", "allowed_hosts": ["127.0.0.1", "bench"]}
"""The canonical URL and hosts of the production-profile apps: the load generator sends
``Host: 127.0.0.1:<port>``, the in-process tests ``http://bench``."""


def _add_json_route(app: FastAPI) -> None:
    """The FastAPI endpoint, shared by bare FastAPI and Shipyard (a FastAPI subclass)."""

    @app.get(PATH)
    async def json_endpoint() -> dict[str, Any]:
        return PAYLOAD


def fastapi_app() -> FastAPI:
    """Bare FastAPI: no middleware, the route returns a dict."""
    app = FastAPI()
    _add_json_route(app)
    return app


def shipyard_app() -> FastAPI:
    """A production-profile Shipyard app with its default extensions and middleware on.

    Its root is a scratch directory under the system temp dir and its database is
    in-memory SQLite, so the benchmark never writes into the checkout. It writes one JSON
    access line per request (into the server's log file) and counts Prometheus metrics.
    """
    return shipyard_with({})


def shipyard_quiet_app() -> FastAPI:
    """:func:`shipyard_app` without the access line and the metrics (what they cost)."""
    return shipyard_with({"logging": {"access_log": False}, "metrics": {"enabled": False}})


def shipyard_traced_app() -> FastAPI:
    """:func:`shipyard_app` with OpenTelemetry on, every request sampled (spans exported
    over OTLP/HTTP to a sink in the same process, :mod:`benchmarks.otlp_sink`)."""
    return _traced(1.0)


def shipyard_traced_10_app() -> FastAPI:
    """:func:`shipyard_traced_app` sampling one request in ten."""
    return _traced(0.1)


def _traced(ratio: float) -> FastAPI:
    tracing = {"enabled": "on", "sample_ratio": ratio, "endpoint": start_sink()}
    return shipyard_with({"tracing": tracing})


def shipyard_with(sections: dict[str, Any]) -> FastAPI:
    """The production-profile benchmark app with ``sections`` of settings on top."""
    root = Path(tempfile.gettempdir()) / "shipyard-benchmark"
    root.mkdir(exist_ok=True)
    settings = Settings.model_validate(
        {
            "profile": "production",
            "app": {"name": "benchmark", "secret_key": "benchmark-" + "x" * 40, **BENCHMARK_SITE},
            "database": {"url": "sqlite+aiosqlite:///:memory:"},
            "ratelimit": LOADTEST_RATELIMIT,
            **sections,
        }
    )
    app = App(settings=settings, root=root)
    app.on_startup(create_app_schema)
    _add_json_route(app)
    return app


async def _starlette_endpoint(request: Request) -> JSONResponse:
    return JSONResponse(PAYLOAD)


def starlette_app() -> Starlette:
    """Bare Starlette: one route returning a ``JSONResponse``."""
    return Starlette(routes=[Route(PATH, _starlette_endpoint)])


@get(PATH)
async def _litestar_endpoint() -> dict[str, Any]:
    return PAYLOAD


def litestar_app() -> Litestar:
    """Bare Litestar: one handler returning a dict (serialised by msgspec)."""
    return Litestar(route_handlers=[_litestar_endpoint])


FACTORIES: dict[str, Callable[[], Any]] = {
    "fastapi": fastapi_app,
    "shipyard": shipyard_app,
    "shipyard_quiet": shipyard_quiet_app,
    "starlette": starlette_app,
    "litestar": litestar_app,
}
"""Framework name -> factory; the runner and the tests iterate over this."""
