"""HEAD wherever GET works (same headers, no body) and a 405's ``Allow`` naming every method.

In-process through the whole middleware stack; ``test_head_servers`` runs real servers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Route, Router
from tests.web.conftest import AppFactory, client_for, write

from shipyard import App, PageRouter, render
from shipyard.core.methods import HEAD_KEY, allowed_methods

COMPARED = ("content-type", "content-length", "x-content-type-options", "vary", "etag")


def build(make_app: AppFactory, templates: Path) -> App:
    write(templates / "hello.html", "<h1>Hello {{ name }}</h1>")
    app = make_app()
    pages = PageRouter()
    items = APIRouter(prefix="/api/items")
    more = APIRouter(prefix="/api/items")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @pages.get("/hello")
    async def hello(request: Request) -> PlainTextResponse:
        return render(request, "hello.html", {"name": "Ada"})  # type: ignore[return-value]

    @items.get("")
    async def list_items() -> list[dict[str, int]]:
        return [{"id": 1}, {"id": 2}]

    @items.post("", status_code=201)
    async def create_item() -> dict[str, int]:
        return {"id": 3}

    @items.get("/{item_id}")
    async def get_item(item_id: int) -> dict[str, int]:
        if item_id > 10:
            raise HTTPException(404, "No such item.")
        return {"id": item_id}

    @more.patch("/{item_id}")  # the same path, another router
    async def patch_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.head("/explicit")
    async def explicit_head(request: Request) -> PlainTextResponse:
        return PlainTextResponse("", headers={"X-Handler": "head", "X-Method": request.method})

    @app.get("/explicit")
    async def explicit_get() -> PlainTextResponse:
        return PlainTextResponse("from get", headers={"X-Handler": "get"})

    @app.get("/who")
    async def who(request: Request) -> dict[str, object]:
        return {"method": request.method, "head": request.scope.get(HEAD_KEY, False)}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for part in (b"a" * 1000, b"b" * 1000):
                yield part

        return StreamingResponse(chunks(), media_type="text/plain")

    async def put_only(request: Request) -> PlainTextResponse:
        return PlainTextResponse("put")

    app.router.routes.append(
        Mount("/sub", app=Router([Route("/thing", put_only, methods=["PUT"])]))
    )
    app.include_router(pages)
    app.include_router(items)
    app.include_router(more)
    return app


@pytest.fixture
def methods_app(make_app: AppFactory, templates: Path) -> App:
    return build(make_app, templates)


async def both(app: App, path: str, **kwargs: object) -> tuple[httpx.Response, httpx.Response]:
    async with client_for(app, raise_errors=False) as http:
        got = await http.get(path, **kwargs)  # type: ignore[arg-type]
        head = await http.head(path, **kwargs)  # type: ignore[arg-type]
    return got, head


@pytest.mark.parametrize(
    "path", ["/health", "/hello", "/api/items", "/api/items/7", "/api/items/99", "/missing"]
)
async def test_head_answers_like_get_without_a_body(methods_app: App, path: str) -> None:
    got, head = await both(methods_app, path)
    assert head.status_code == got.status_code
    assert got.content  # the GET has a body...
    assert head.content == b""  # ...the HEAD none, even in-process
    for name in COMPARED:
        assert head.headers.get(name) == got.headers.get(name), name
    assert int(head.headers["content-length"]) == len(got.content)


async def test_head_of_a_streamed_response_sends_no_chunk(methods_app: App) -> None:
    got, head = await both(methods_app, "/stream")
    assert len(got.content) == 2000
    assert head.status_code == 200
    assert head.content == b""


async def test_an_explicit_head_route_wins_over_the_fallback(methods_app: App) -> None:
    _, head = await both(methods_app, "/explicit")
    assert head.headers["x-handler"] == "head"
    assert head.headers["x-method"] == "HEAD"


async def test_the_handler_knows_a_head_runs_as_get(methods_app: App) -> None:
    async with client_for(methods_app) as http:
        assert (await http.get("/who")).json() == {"method": "GET", "head": False}
        head = await http.head("/who")
    assert head.status_code == 200
    assert head.content == b""


async def test_head_of_a_static_file_is_served_by_the_mount(methods_app: App, static: Path) -> None:
    write(static / "site.css", "body { color: red }")
    got, head = await both(methods_app, "/static/site.css")
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"] == "19"
    assert head.headers["etag"] == got.headers["etag"]


async def test_head_is_not_an_openapi_operation(methods_app: App) -> None:
    paths = methods_app.openapi()["paths"]
    assert set(paths["/health"]) == {"get"}
    assert set(paths["/api/items"]) == {"get", "post"}
    assert set(paths["/explicit"]) == {"get", "head"}  # declared by the app: listed
    assert not any("head" in item for path, item in paths.items() if path != "/explicit")


async def test_a_405_allows_every_method_of_the_path(methods_app: App) -> None:
    async with client_for(methods_app) as http:
        listing = await http.delete("/api/items")
        detail = await http.put("/api/items/7")  # GET in one router, PATCH in another
        head_of_put_only = await http.request("HEAD", "/sub/thing")
    assert listing.status_code == 405
    assert listing.headers["allow"] == "GET, HEAD, POST"
    assert listing.headers["content-type"] == "application/problem+json"
    assert detail.status_code == 405
    assert detail.headers["allow"] == "GET, HEAD, PATCH"
    assert head_of_put_only.status_code == 405
    assert head_of_put_only.content == b""


async def test_a_405_from_inside_a_mount_keeps_its_own_allow(methods_app: App) -> None:
    async with client_for(methods_app) as http:
        response = await http.get("/sub/thing")
    assert response.status_code == 405
    assert response.headers["allow"] == "PUT"


async def test_hostile_methods_get_a_405_not_a_500(methods_app: App) -> None:
    async with client_for(methods_app, raise_errors=False) as http:
        for method in ("TRACE", "PROPFIND", "X" * 200, "OPTIONS"):
            response = await http.request(method, "/api/items")
            assert response.status_code == 405, method
            assert response.headers["allow"] == "GET, HEAD, POST"


def test_allowed_methods_is_none_without_a_matching_route(methods_app: App) -> None:
    scope = {"type": "http", "method": "GET", "path": "/nowhere", "app": methods_app}
    scope.update({"root_path": "", "headers": [], "query_string": b""})
    assert allowed_methods(scope) is None
