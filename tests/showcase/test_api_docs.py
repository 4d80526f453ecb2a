"""The showcase's API documentation: Swagger UI, ReDoc and the cookbook, with its schemes."""

from __future__ import annotations

import httpx

from shipyard import App


def _client(app: App) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_cookbook_offers_the_token_schemes_and_fresh_names(started_app: App) -> None:
    async with _client(started_app) as client:  # the layout asks for the user: a database
        page = (await client.get("/api/cookbook")).text

    assert 'for="cookbook-scheme-1">Bearer token</label>' in page
    assert 'data-scheme="BearerToken" data-kind="bearer"' in page
    assert "API key (header X-API-Key)" in page
    assert "declares no security schemes" not in page
    assert "Authentication: Bearer token or API key (header X-API-Key)" in page
    assert "Each try sends new values for name" in page
    assert "&#34;name&#34;: &#34;Endeavour " in page  # the seed's name, made unique
    assert "<code>Link</code>" in page  # the docstring's ``Link``, rendered


async def test_swagger_ui_and_redoc_are_served_offline(app: App) -> None:
    async with _client(app) as client:
        for path in ("/docs", "/redoc"):
            response = await client.get(path)
            assert response.status_code == 200
            assert "https://" not in response.text
        document = (await client.get("/openapi.json")).json()

    create = document["paths"]["/api/ships"]["post"]
    assert create["security"] == [{"BearerToken": []}, {"ApiKey": []}]
    assert create["x-shipyard-unique"] == ["name"]
    assert set(document["components"]["securitySchemes"]) == {"BearerToken", "ApiKey"}
