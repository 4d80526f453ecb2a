"""One OpenAPI document per version, and the start-up check of declared versions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openapi_spec_validator import validate
from tests.api.versioning.conftest import AppFactory, get

from shipyard import App, Settings
from shipyard.api.versioning import (
    VersionedRouter,
    check_declared_versions,
    openapi_for_version,
    versions,
)
from shipyard.errors import ShipyardError


def operations(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (path, method, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


async def test_each_version_lists_only_its_operations(app: App) -> None:
    v1 = (await get(app, "/openapi/v1.json")).json()
    v3 = (await get(app, "/openapi/v3.json")).json()
    assert {(p, m) for p, m, _ in operations(v1)} == {
        ("/api/ships", "get"),
        ("/api/ships/{ship_id}", "get"),
    }
    assert {(p, m) for p, m, _ in operations(v3)} == {
        ("/api/ships", "get"),
        ("/api/ships", "post"),
        ("/api/ships/{ship_id}", "get"),
    }
    assert v1["paths"]["/api/ships"]["get"]["operationId"].startswith("list_ships_v1")
    assert v3["paths"]["/api/ships"]["get"]["operationId"].startswith("list_ships_v2")
    assert "/plain" not in v1["paths"]
    assert "ShipV2" not in v1.get("components", {}).get("schemas", {})


async def test_document_describes_the_version(app: App) -> None:
    v1 = (await get(app, "/openapi/v1.json")).json()
    v2 = (await get(app, "/openapi/v2.json")).json()
    assert v1["info"]["version"] == "1"
    assert v1["info"]["x-api-version"] == {
        "version": "1",
        "media_type": "application/vnd.acme.v1+json",
        "mode": "header",
        "default": False,
        "deprecated": True,
        "sunset": "Sun, 01 Nov 2026 12:30:00 GMT",
        "successor": "2",
    }
    assert v2["info"]["x-api-version"]["default"] is True
    assert v1["paths"]["/api/ships"]["get"]["deprecated"] is True
    assert "deprecated" not in v2["paths"]["/api/ships"]["get"]


async def test_success_responses_use_the_version_media_type(app: App) -> None:
    v3 = (await get(app, "/openapi/v3.json")).json()
    post = v3["paths"]["/api/ships"]["post"]
    assert set(post["responses"]["201"]["content"]) == {"application/vnd.acme.v3+json"}
    assert set(post["responses"]["422"]["content"]) == {
        "application/problem+json"
    }  # what the 422 really is


async def test_path_mode_documents_prefixed_paths(make_app: AppFactory) -> None:
    app = make_app(mode="path", path_prefix="/api")
    v2 = (await get(app, "/openapi/v2.json")).json()
    assert set(v2["paths"]) == {"/api/v2/ships", "/api/v2/ships/{ship_id}"}


async def test_unknown_version_document_is_404(app: App) -> None:
    for path in ("/openapi/v9.json", "/openapi/v%2e%2e.json"):
        response = await get(app, path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_openapi_url_setting(make_app: AppFactory) -> None:
    moved = make_app(openapi_url="/docs/api-{version}.json")
    assert (await get(moved, "/docs/api-3.json")).json()["info"]["version"] == "3"
    off = make_app(openapi_url=None)
    assert (await get(off, "/openapi/v1.json")).status_code == 404


def test_openapi_for_version_rejects_unknown_versions(app: App) -> None:
    with pytest.raises(KeyError):
        openapi_for_version(app, "9")


def test_plain_fastapi_uses_default_settings() -> None:
    plain = FastAPI()
    router = VersionedRouter()

    @router.get("/x")
    async def x() -> dict[str, str]:
        return {}

    plain.include_router(router)
    assert set(openapi_for_version(plain, "1")["paths"]) == {"/x"}


async def test_startup_refuses_undeclared_versions(make_app: AppFactory) -> None:
    app = make_app()
    router = VersionedRouter()

    @router.get("/future")
    @versions("4")
    async def future() -> None: ...

    app.include_router(router)
    with pytest.raises(ShipyardError, match=r"/future .*declares API version\(s\) 4"):
        check_declared_versions(app)
    lifespan = app.router.lifespan_context(app)
    with pytest.raises(ShipyardError):
        await lifespan.__aenter__()


def test_versions_decorator_validates_tokens() -> None:
    with pytest.raises(TypeError):
        versions()
    for bad in ("V2", "", "2 ", "../1", "x" * 40):
        with pytest.raises(ValueError, match="not a version token"):
            versions(bad)


def test_versioned_router_requires_a_versioned_route_class() -> None:
    from fastapi.routing import APIRoute

    with pytest.raises(TypeError):
        VersionedRouter(route_class=APIRoute)


def test_settings_reject_inconsistent_versions() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="default_version"):
        Settings(api={"versions": ["1"], "default_version": "2"})
    with pytest.raises(ValidationError, match="successor"):
        Settings(
            api={"versions": ["1"], "deprecated": {"1": {"since": "2025-01-01", "successor": "1"}}}
        )
    with pytest.raises(ValidationError, match=r"not in api\.versions"):
        Settings(api={"versions": ["1"], "deprecated": {"2": {"since": "2025-01-01"}}})
    with pytest.raises(ValidationError, match="sunset"):
        Settings(api={"deprecated": {"1": {"since": "2025-01-01", "sunset": "2024-01-01"}}})


# -- media types and problems (validated documents) ------------------------------------


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_every_version_document_is_valid(make_app: AppFactory, version: str) -> None:
    validate(openapi_for_version(make_app(), version))


def test_versioned_media_types_for_answers_and_bodies(make_app: AppFactory) -> None:
    v3 = openapi_for_version(make_app(), "3")
    post = v3["paths"]["/api/ships"]["post"]
    assert set(post["responses"]["201"]["content"]) == {"application/vnd.acme.v3+json"}
    assert set(post["requestBody"]["content"]) == {
        "application/json",
        "application/vnd.acme.v3+json",
    }
    refused = post["responses"]["406"]["content"]["application/problem+json"]["schema"]
    assert refused == {"$ref": "#/components/schemas/Problem"}  # header negotiation refuses


def test_path_mode_documents_no_406(make_app: AppFactory) -> None:
    v2 = openapi_for_version(make_app(mode="path", path_prefix="/api"), "2")
    validate(v2)
    assert "406" not in v2["paths"]["/api/v2/ships"]["get"]["responses"]


def test_the_main_document_uses_the_versioned_media_types(make_app: AppFactory) -> None:
    document = make_app().openapi()
    validate(document)
    listing = document["paths"]["/api/ships"]["get"]["responses"]["200"]["content"]
    # One operation for two handlers: FastAPI documents the later one (versions 2 and 3).
    assert set(listing) == {"application/vnd.acme.v2+json", "application/vnd.acme.v3+json"}
    detail = document["paths"]["/api/ships/{ship_id}"]["get"]["responses"]["200"]["content"]
    assert set(detail) == {f"application/vnd.acme.v{n}+json" for n in "123"}
    plain = document["paths"]["/plain"]["get"]["responses"]["200"]["content"]
    assert set(plain) == {"application/json"}


async def test_a_body_in_the_versioned_media_type_is_accepted(
    make_app: AppFactory,
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=make_app()), base_url="http://testserver"
    ) as http:
        created = await http.post(
            "/api/ships",
            content=b'{"name": "Resolution", "tonnage": 462}',
            headers={
                "Content-Type": "application/vnd.acme.v3+json",
                "Accept": "application/vnd.acme.v3+json",
            },
        )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/vnd.acme.v3+json"
