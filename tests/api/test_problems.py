"""Stable problem types: every built-in type's body, the registry, custom types."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import httpx
import pytest
from fastapi import HTTPException
from pydantic import BaseModel

from shipyard import App, Settings
from shipyard.api.problems import (
    ProblemRegistry,
    problem_types,
    register_problem_type,
)
from shipyard.config.models import ApiSettings

BASE = "/problems/"
OUT_OF_STOCK = register_problem_type(
    "test-out-of-stock", 409, "Out of stock", description="Nothing left."
)


class Item(BaseModel):
    name: str
    tags: list[int]


def make_app(**api: Any) -> App:
    app = App(settings=Settings(profile="test", api=ApiSettings(**api)))

    @app.get("/status/{code}")
    async def status(code: int) -> None:
        raise HTTPException(code)

    @app.post("/items")
    async def items(item: Item) -> Item:
        return item

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail hunter2")

    @app.get("/stock")
    async def stock() -> None:
        raise OUT_OF_STOCK.exception("Only 3 left.", extra={"available": 3})

    @app.get("/absolute")
    async def absolute() -> None:
        raise OUT_OF_STOCK.exception().__class__(418, type="https://example.com/teapot")

    return app


async def call(app: App, method: str, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.request(method, path, headers={"Accept": "application/json"}, **kwargs)


@pytest.mark.parametrize(
    ("code", "slug", "title"),
    [
        (400, "bad-request", "Bad Request"),
        (401, "authentication-required", "Unauthorized"),
        (403, "permission-denied", "Forbidden"),
        (404, "not-found", "Not Found"),
        (405, "method-not-allowed", "Method Not Allowed"),
        (406, "not-acceptable", "Not Acceptable"),
        (409, "conflict", "Conflict"),
        (413, "payload-too-large", HTTPStatus(413).phrase),  # wording varies by Python
        (415, "unsupported-media-type", "Unsupported Media Type"),
        (429, "rate-limited", "Too Many Requests"),
        (503, "service-unavailable", "Service Unavailable"),
    ],
)
async def test_status_problem_bodies(code: int, slug: str, title: str) -> None:
    response = await call(make_app(), "GET", f"/status/{code}")
    assert response.status_code == code
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": BASE + slug,
        "title": title,
        "status": code,
        "instance": f"/status/{code}",
    }


async def test_unregistered_status_stays_about_blank() -> None:
    response = await call(make_app(), "GET", "/status/418")
    assert response.json()["type"] == "about:blank"


async def test_validation_body_lists_fields_with_pointers() -> None:
    response = await call(make_app(), "POST", "/items", json={"tags": [1, "x"]})
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == BASE + "validation"
    assert body["title"] == HTTPStatus(422).phrase
    assert body["detail"] == "2 invalid fields"
    assert body["errors"] == [
        {
            "loc": ["body", "name"],
            "field": "name",
            "msg": "Field required",
            "type": "missing",
            "input": {"tags": [1, "x"]},
            "pointer": "#/name",
        },
        {
            "loc": ["body", "tags", 1],
            "field": "tags.1",
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
            "input": "x",
            "pointer": "#/tags/1",
        },
    ]


async def test_server_error_body() -> None:
    response = await call(make_app(), "GET", "/boom")
    body = response.json()
    assert response.status_code == 500
    assert set(body) == {"type", "title", "status", "instance", "detail", "request_id"}
    assert body["type"] == BASE + "server-error"
    assert "hunter2" not in response.text


async def test_custom_type_and_configured_base() -> None:
    default = await call(make_app(), "GET", "/stock")
    assert default.status_code == 409
    assert default.json() == {
        "type": BASE + "test-out-of-stock",
        "title": "Out of stock",
        "status": 409,
        "instance": "/stock",
        "detail": "Only 3 left.",
        "available": 3,
    }
    moved = await call(
        make_app(problem_base_uri="https://api.acme.example/errors/"), "GET", "/stock"
    )
    assert moved.json()["type"] == "https://api.acme.example/errors/test-out-of-stock"
    missing = await call(make_app(problem_base_uri="https://api.acme.example/errors/"), "GET", "/x")
    assert missing.json()["type"] == "https://api.acme.example/errors/not-found"


async def test_absolute_types_are_kept() -> None:
    response = await call(make_app(), "GET", "/absolute")
    assert response.json()["type"] == "https://example.com/teapot"


def test_registry_rules() -> None:
    registry = ProblemRegistry()
    first = registry.register("gone-fishing", 503, "Gone fishing", status_default=True)
    assert registry.register("gone-fishing", 503, "Gone fishing", status_default=True) == first
    assert registry.get("gone-fishing") is not None
    assert registry.for_status(503) == first
    assert registry.resolve("about:blank", 503, "https://a.example/p/") == (
        "https://a.example/p/gone-fishing"
    )
    assert registry.resolve("about:blank", 418) == "about:blank"
    assert registry.resolve("urn:acme:oops", 400) == "urn:acme:oops"
    assert (
        registry.resolve("new-slug", 400, "https://a.example/p/") == "https://a.example/p/new-slug"
    )
    with pytest.raises(ValueError, match="already registered"):
        registry.register("gone-fishing", 500)
    for slug in ("Bad", "", "a b", "../x", "x" * 65):
        with pytest.raises(ValueError, match="slug"):
            registry.register(slug, 400)
    with pytest.raises(ValueError, match="not an error status"):
        registry.register("fine", 200)
    with pytest.raises(ValueError, match="absolute"):
        registry.register("rel", 400, uri="relative/path")
    pinned = registry.register("pinned", 400, uri="https://docs.example/pinned")
    assert pinned.resolve("https://other.example/") == "https://docs.example/pinned"


def test_builtin_registry_documents_every_type() -> None:
    slugs = {problem.slug for problem in problem_types}
    assert {
        "validation",
        "authentication-required",
        "permission-denied",
        "not-found",
        "conflict",
        "rate-limited",
        "server-error",
        "unsupported-version",
    } <= slugs
    assert all(
        problem.description
        for problem in problem_types
        if problem.slug in slugs and not problem.slug.startswith("test-")
    )
