"""The showcase over HTTP: HEAD like GET, private pages out of caches, a valid OpenAPI.

Hardening items 12-14 end to end, on the real showcase app and its SQLite database.
"""

from __future__ import annotations

import httpx
import pytest
from openapi_spec_validator import validate

from shipyard.api.versioning import openapi_for_version
from shipyard.app import App

SAME = ("content-type", "content-length", "cache-control", "vary")


async def head_and_get(http: httpx.AsyncClient, path: str) -> tuple[httpx.Response, httpx.Response]:
    return await http.head(path), await http.get(path)


async def test_head_on_health_and_a_public_page(client: httpx.AsyncClient) -> None:
    for path in ("/health", "/ships"):
        head, got = await head_and_get(client, path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        for name in SAME:
            assert head.headers.get(name) == got.headers.get(name), (path, name)


async def test_head_on_the_api_list_and_detail_with_a_bearer_token(api: httpx.AsyncClient) -> None:
    created = await api.post("/api/ships", json={"name": "Erebus"})
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"  # answered for the bearer token
    assert "Authorization" in created.headers["vary"]
    for path in ("/api/ships", f"/api/ships/{created.json()['id']}"):
        head, got = await head_and_get(api, path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        for name in SAME:
            assert head.headers.get(name) == got.headers.get(name), (path, name)
        # The answer depends on who asks (ShipPolicy's scope): never stored by caches.
        assert got.headers["cache-control"] == "no-store"


async def test_a_signed_in_page_is_no_store(member: httpx.AsyncClient) -> None:
    page = await member.get("/ships")
    assert "member@example.test" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "Cookie" in page.headers["vary"]


async def test_the_public_health_check_stays_cacheable(member: httpx.AsyncClient) -> None:
    health = await member.get("/health")  # a session cookie is sent; the route never looks
    assert "cache-control" not in health.headers


async def test_405_lists_every_method_of_the_path(api: httpx.AsyncClient) -> None:
    refused = await api.put("/api/ships")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("version", [None, "1", "2"])
def test_the_openapi_documents_are_valid(app: App, version: str | None) -> None:
    document = app.openapi() if version is None else openapi_for_version(app, version)
    validate(document)
    create = document["paths"]["/api/ships"]["post"]["responses"]
    assert {"401", "403", "406", "422"} <= set(create)
    assert not any("head" in item for item in document["paths"].values())
