"""Header versioning over HTTP: dispatch by version, echoed headers, 406, deprecation."""

from __future__ import annotations

import httpx
from tests.api.versioning.conftest import SINCE, AppFactory, client_for, get

from shipyard import App

V1 = "application/vnd.acme.v1+json"
V2 = "application/vnd.acme.v2+json"
V3 = "application/vnd.acme.v3+json"


async def test_default_version_without_accept(app: App) -> None:
    response = await get(app, "/api/ships", None)
    assert response.status_code == 200
    assert response.json() == [{"name": "Endeavour (v2)", "tonnage": 366}]
    assert response.headers["content-type"] == V2
    assert response.headers["vary"] == "Accept"


async def test_plain_json_accept_gets_the_default(app: App) -> None:
    for accept in ("application/json", "*/*"):
        response = await get(app, "/api/ships", accept)
        assert response.headers["content-type"] == V2


async def test_two_handlers_on_one_path_by_version(app: App) -> None:
    v1 = await get(app, "/api/ships", V1)
    v3 = await get(app, "/api/ships", V3)
    assert v1.json() == [{"name": "Endeavour"}]
    assert v3.json() == [{"name": "Endeavour (v3)", "tonnage": 366}]
    assert v1.headers["content-type"] == V1
    assert v3.headers["content-type"] == V3


async def test_route_without_versions_serves_every_version(app: App) -> None:
    for accept, version in ((V1, "1"), (V3, "3"), (None, "2")):
        response = await get(app, "/api/ships/7", accept)
        assert response.json() == {"id": 7, "version": version}


async def test_unknown_version_is_406_problem(app: App) -> None:
    response = await get(app, "/api/ships", "application/vnd.acme.v9+json")
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "Accept" in response.headers["vary"]
    assert response.json() == {
        "type": "/problems/unsupported-version",
        "title": "Unsupported API version",
        "status": 406,
        "instance": "/api/ships",
        "detail": "Unknown API version 9.",
        "requested": ["9"],
        "supported": ["1", "2", "3"],
        "media_types": [V1, V2, V3],
    }


async def test_version_not_served_by_the_operation_is_406(app: App) -> None:
    async with client_for(app) as http:
        response = await http.post(
            "/api/ships", json={"name": "Bounty", "tonnage": 215}, headers={"Accept": V2}
        )
        created = await http.post(
            "/api/ships", json={"name": "Bounty", "tonnage": 215}, headers={"Accept": V3}
        )
    assert response.status_code == 406
    assert response.json()["detail"] == "This operation is not available in version 2."
    assert response.json()["supported"] == ["3"]
    assert created.status_code == 201
    assert created.headers["content-type"] == V3


async def test_wrong_method_on_a_versioned_path_is_still_405(app: App) -> None:
    async with client_for(app) as http:
        response = await http.delete("/api/ships", headers={"Accept": V2})
    assert response.status_code == 405
    assert response.json()["type"] == "/problems/method-not-allowed"


async def test_validation_errors_inside_a_version_are_422(app: App) -> None:
    async with client_for(app) as http:
        response = await http.post("/api/ships", json={"name": 3}, headers={"Accept": V3})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/validation"


async def test_deprecated_version_headers_exact_format(app: App) -> None:
    response = await get(app, "/api/ships", V1)
    assert response.status_code == 200
    assert response.headers["deprecation"] == f"@{int(SINCE.timestamp())}" == "@1735689600"
    assert response.headers["sunset"] == "Sun, 01 Nov 2026 12:30:00 GMT"
    assert response.headers.get_list("link") == [
        f'</api/ships>; rel="successor-version"; type="{V2}"',
        '<https://acme.example/api/v1-retirement>; rel="deprecation"; type="text/html"',
    ]


async def test_current_versions_carry_no_deprecation(app: App) -> None:
    response = await get(app, "/api/ships", V3)
    for name in ("deprecation", "sunset", "link"):
        assert name not in response.headers


async def test_deprecation_without_sunset_or_successor(make_app: AppFactory) -> None:
    app = make_app(deprecated={"2": {"since": "2030-06-01T00:00:00Z"}})
    response = await get(app, "/api/ships", None)
    assert response.headers["deprecation"] == "@1906502400"
    assert "sunset" not in response.headers
    assert "link" not in response.headers


async def test_plain_routes_are_untouched(app: App) -> None:
    response = await get(app, "/plain", V1)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "vary" not in response.headers
    assert "deprecation" not in response.headers


async def test_api_version_dependency_on_a_plain_route(app: App) -> None:
    current = await get(app, "/plain-versioned", V3)
    assert current.json() == {"version": "3"}
    assert current.headers["content-type"] == "application/json"
    assert current.headers["vary"] == "Accept"
    old = await get(app, "/plain-versioned", V1)
    assert old.json() == {"version": "1"}
    assert old.headers["deprecation"] == "@1735689600"
    unknown = await get(app, "/plain-versioned", "application/vnd.acme.v7+json")
    assert unknown.status_code == 406
    assert unknown.json()["requested"] == ["7"]


async def test_head_and_unknown_paths_still_route(app: App) -> None:
    missing = await get(app, "/api/nowhere", V2)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_hostile_accept_headers_never_break_the_app(app: App) -> None:
    hostile = [
        "x" * 200_000,
        ", ".join(f"application/vnd.acme.v{n}+json;q=0.{n % 10}" for n in range(2_000)),
        "application/vnd.acme.v%C3%A9+json",
        "application/vnd.acme.v" + "9" * 5_000 + "+json",
    ]
    async with client_for(app) as http:
        for accept in hostile:
            response = await http.get("/api/ships", headers={"Accept": accept})
            assert response.status_code in {200, 406}, accept[:40]
            assert len(response.content) < 2_000


async def test_raw_latin1_accept_bytes(app: App) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get(
            "/api/ships", headers=[(b"accept", b"application/vnd.acme.v\xff+json")]
        )
    assert response.status_code == 406
    assert "requested" not in response.json()


async def test_several_accept_headers_are_combined(app: App) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get(
            "/api/ships", headers=[(b"accept", b"text/html;q=0.1"), (b"accept", V3.encode())]
        )
    assert response.headers["content-type"] == V3
