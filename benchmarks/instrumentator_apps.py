"""The metrics peer: bare FastAPI with and without prometheus-fastapi-instrumentator.

Served from the peer environment (:mod:`benchmarks.peer_env`), which has FastAPI and the
instrumentator but not Shipyard: this module imports neither Shipyard nor the other
benchmark apps. The instrumented app counts requests and latencies per handler as the
instrumentator's README sets it up, and exposes ``/metrics``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from benchmarks.payload import PATH, PAYLOAD


def fastapi_app() -> FastAPI:
    """Bare FastAPI on the peer environment's FastAPI (the baseline of the pair)."""
    app = FastAPI()

    @app.get(PATH)
    async def json_endpoint() -> dict[str, Any]:
        return PAYLOAD

    return app


def fastapi_instrumented_app() -> FastAPI:
    """:func:`fastapi_app` with the instrumentator's default metrics."""
    from prometheus_fastapi_instrumentator import Instrumentator  # type: ignore[import-not-found,unused-ignore]

    app = fastapi_app()
    Instrumentator().instrument(app).expose(app)
    return app
