"""Security schemes in the OpenAPI documents: operations that need a caller say how to be one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from shipyard import App, CurrentUser, HasPermission, Settings
from shipyard.auth.tokens import TokensExtension

BASIC = HTTPBasic(auto_error=False)


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/public")
    async def public() -> dict[str, str]:
        return {}

    @router.get("/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {}

    @router.post("/ships", dependencies=[Depends(HasPermission("ships:create"))])
    async def create() -> dict[str, str]:
        return {}

    return router


def _document(*extensions: Any) -> dict[str, Any]:
    app = App(settings=Settings(profile="test"), extensions=list(extensions))
    app.include_router(_router())
    document: dict[str, Any] = app.openapi()
    return document


def test_operations_needing_a_caller_list_the_token_schemes_as_alternatives() -> None:
    document = _document(TokensExtension())
    either: list[dict[str, list[str]]] = [{"BearerToken": []}, {"ApiKey": []}]
    assert document["paths"]["/me"]["get"]["security"] == either
    assert document["paths"]["/ships"]["post"]["security"] == either
    assert "security" not in document["paths"]["/public"]["get"]
    assert "security" not in document["paths"]["/auth/token"]["post"]  # logging in
    schemes = document["components"]["securitySchemes"]
    assert list(schemes) == ["BearerToken", "ApiKey"]
    assert schemes["BearerToken"]["scheme"] == "bearer"
    assert "POST /auth/token" in schemes["BearerToken"]["description"]
    assert schemes["ApiKey"] == {**schemes["ApiKey"], "type": "apiKey", "in": "header"}
    assert schemes["ApiKey"]["name"] == "X-API-Key"


def test_without_api_keys_only_the_bearer_token_is_offered() -> None:
    document = _document(TokensExtension(api_keys=False))
    assert document["paths"]["/me"]["get"]["security"] == [{"BearerToken": []}]
    assert list(document["components"]["securitySchemes"]) == ["BearerToken"]


def test_an_app_without_token_schemes_documents_none() -> None:
    document = _document()
    assert "security" not in document["paths"]["/me"]["get"]
    assert "securitySchemes" not in document.get("components", {})


def test_an_operations_own_security_is_kept() -> None:
    app = App(settings=Settings(profile="test"), extensions=[TokensExtension()])

    @app.get("/basic")
    async def basic(
        user: CurrentUser, credentials: Annotated[HTTPBasicCredentials | None, Depends(BASIC)]
    ) -> dict[str, str]:
        return {}

    document = app.openapi()
    assert document["paths"]["/basic"]["get"]["security"] == [{"HTTPBasic": []}]
    assert list(document["components"]["securitySchemes"]) == ["HTTPBasic"]
