"""Compiling csrf_exempt endpoints into path patterns, once, without routing a request."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.routing import Mount, Route

from shipyard.security.csrf import csrf_exempt
from shipyard.security.csrf_exemptions import ExemptionTable, exempt_routes


@csrf_exempt
async def webhook() -> dict[str, bool]:
    return {"ok": True}


async def guarded() -> dict[str, bool]:
    return {"ok": True}


def build_app() -> FastAPI:
    app = FastAPI()
    inner = APIRouter()
    inner.add_api_route("/hooks/{source}", webhook, methods=["POST"])
    inner.add_api_route("/guarded", guarded, methods=["POST"])
    app.include_router(inner, prefix="/api")
    app.router.routes.append(Mount("/plain", routes=[Route("/hook", webhook, methods=["PUT"])]))
    return app


def test_only_exempt_endpoints_are_compiled_with_their_full_paths() -> None:
    routes = list(exempt_routes(build_app().routes))
    assert sorted(route.pattern.pattern for route in routes) == [
        "^/api/hooks/(?P<source>[^/]+)$",
        "^/plain/hook$",
    ]


def test_a_route_covers_only_its_methods_and_paths() -> None:
    table = ExemptionTable()
    routes = build_app().routes
    assert table.covers(routes, "POST", "/api/hooks/github")
    assert not table.covers(routes, "DELETE", "/api/hooks/github")
    assert not table.covers(routes, "POST", "/api/hooks/github/extra")
    assert not table.covers(routes, "POST", "/api/guarded")
    assert table.covers(routes, "PUT", "/plain/hook")


def test_the_table_is_rebuilt_when_routes_are_added() -> None:
    app = FastAPI()
    table = ExemptionTable()
    assert not table.covers(app.routes, "POST", "/late")
    app.add_api_route("/late", webhook, methods=["POST"])
    assert table.covers(app.routes, "POST", "/late")


def test_an_app_without_exempt_endpoints_compiles_to_nothing() -> None:
    app = FastAPI()
    app.add_api_route("/guarded", guarded, methods=["POST"])
    assert list(exempt_routes(app.routes)) == []
