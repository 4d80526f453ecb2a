"""The OpenAPI documents list the problem answers and media types operations really produce.

Every document is validated with openapi-spec-validator; the documented answers are then
checked against what the app sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from openapi_spec_validator import validate
from pydantic import BaseModel
from starlette.testclient import TestClient
from tests.api.resource.conftest import make_app as make_resource_app

from shipyard import App, Settings
from shipyard.api.versioning import ApiVersioning
from shipyard.auth import CurrentIdentity, Identity
from shipyard.authz import HasPermission
from shipyard.core.openapi import declares_problems
from shipyard.db import Database
from shipyard.testing.schema import create_app_schema

PROBLEM = {"$ref": "#/components/schemas/Problem"}
VALIDATION = {"$ref": "#/components/schemas/ValidationProblem"}


class Order(BaseModel):
    item: str
    quantity: int


def build(root: Path | None = None, **sections: Any) -> App:
    sections.setdefault("ratelimit", {"enabled": False})
    if root is not None:
        sections["database"] = {"url": f"sqlite+aiosqlite:///{root / 'openapi.db'}"}
    settings = Settings.model_validate({"profile": "test", **sections})
    app = App(settings=settings, extensions=[ApiVersioning()])
    if root is not None:
        app.on_startup(create_app_schema)
    router = APIRouter(prefix="/api")

    @router.get("/me")
    async def me(identity: CurrentIdentity) -> dict[str, int]:
        return {"id": identity.user.id}

    @router.post("/orders", status_code=201)
    async def order(
        body: Order, _: Annotated[Identity, Depends(HasPermission("orders:create"))]
    ) -> Order:
        return body

    @router.get("/quote")
    @declares_problems(409)
    async def quote(amount: int) -> dict[str, int]:
        return {"amount": amount}

    @router.get("/open")
    async def open_route() -> dict[str, bool]:
        return {"open": True}

    app.include_router(router)
    return app


def responses(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]["responses"]
    return found


def schema_of(response: dict[str, Any]) -> Any:
    return response["content"]["application/problem+json"]["schema"]


def test_the_document_is_valid_and_lists_auth_problems() -> None:
    document = build().openapi()
    validate(document)
    me = responses(document, "/api/me", "get")
    assert schema_of(me["401"]) == PROBLEM
    assert "WWW-Authenticate" in me["401"]["headers"]
    assert "403" not in me
    order = responses(document, "/api/orders", "post")
    assert {"201", "401", "403", "422"} <= set(order)
    assert schema_of(order["403"]) == PROBLEM
    assert schema_of(responses(document, "/api/quote", "get")["409"]) == PROBLEM


def test_422_is_the_validation_problem_and_fastapis_schemas_are_gone() -> None:
    document = build().openapi()
    assert schema_of(responses(document, "/api/orders", "post")["422"]) == VALIDATION
    schemas = document["components"]["schemas"]
    assert {"Problem", "ValidationProblem"} <= set(schemas)
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert set(responses(document, "/api/open", "get")) == {"200"}  # nothing to fail


def test_429_where_the_global_limit_applies() -> None:
    limited = build(ratelimit={"enabled": True, "exempt_paths": ["/api/open"]}).openapi()
    validate(limited)
    me = responses(limited, "/api/me", "get")
    assert schema_of(me["429"]) == PROBLEM
    assert "Retry-After" in me["429"]["headers"]
    assert "429" not in responses(limited, "/api/open", "get")  # exempt
    unlimited = build(ratelimit={"enabled": False}).openapi()
    assert "429" not in responses(unlimited, "/api/me", "get")


def test_the_fastapi_error_format_keeps_fastapis_document() -> None:
    document = build(api={"error_format": "fastapi"}).openapi()
    validate(document)
    order = responses(document, "/api/orders", "post")
    assert set(order) == {"201", "422"}
    assert "application/json" in order["422"]["content"]
    assert "HTTPValidationError" in document["components"]["schemas"]


def test_a_listing_documents_its_400(tmp_path: Path) -> None:
    document = make_resource_app(Database.__new__(Database), tmp_path).openapi()
    validate(document)
    assert schema_of(responses(document, "/vessels", "get")["400"]) == PROBLEM
    assert schema_of(responses(document, "/vessels/{id}", "get")["404"]) == PROBLEM


def test_the_documents_are_regenerated_with_problems_when_routes_change() -> None:
    app = build()
    assert "/api/late" not in app.openapi()["paths"]

    @app.get("/api/late")
    async def late(identity: CurrentIdentity) -> dict[str, int]:
        return {"id": identity.user.id}

    assert "401" in responses(app.openapi(), "/api/late", "get")


def test_documented_problems_are_what_the_app_sends(tmp_path: Path) -> None:
    app = build(tmp_path)
    document = app.openapi()
    with TestClient(app) as http:
        unauthenticated = http.get("/api/me", headers={"Accept": "application/json"})
        invalid = http.get("/api/quote", params={"amount": "lots"})
    assert "401" in responses(document, "/api/me", "get")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"] == "application/problem+json"
    assert "www-authenticate" in unauthenticated.headers
    required = document["components"]["schemas"]["Problem"]["required"]
    assert set(required) <= set(unauthenticated.json())
    assert invalid.status_code == 422
    entry_schema = document["components"]["schemas"]["ValidationProblem"]["allOf"][1]
    entry = invalid.json()["errors"][0]
    assert set(entry_schema["properties"]["errors"]["items"]["required"]) <= set(entry)
