"""URL-prefix versioning (`/v2/...`), alone and together with header versioning."""

from __future__ import annotations

from tests.api.versioning.conftest import AppFactory, client_for, get

V3 = "application/vnd.acme.v3+json"


async def test_prefix_selects_the_version(make_app: AppFactory) -> None:
    app = make_app(mode="path")
    v1 = await get(app, "/v1/api/ships")
    v3 = await get(app, "/v3/api/ships/5")
    assert v1.json() == [{"name": "Endeavour"}]
    assert v1.headers["content-type"] == "application/vnd.acme.v1+json"
    assert v3.json() == {"id": 5, "version": "3"}
    assert "vary" not in v3.headers  # the URL, not Accept, chose the version


async def test_prefix_wins_over_accept(make_app: AppFactory) -> None:
    response = await get(make_app(mode="path"), "/v1/api/ships", V3)
    assert response.json() == [{"name": "Endeavour"}]


async def test_path_mode_does_not_serve_unprefixed_paths(make_app: AppFactory) -> None:
    app = make_app(mode="path")
    assert (await get(app, "/api/ships")).status_code == 404
    assert (await get(app, "/v9/api/ships")).status_code == 404
    assert (await get(app, "/v1")).status_code == 404
    assert (await get(app, "/plain")).status_code == 200
    assert (await get(app, "/v1/plain")).status_code == 404  # plain routes have no prefix


async def test_version_without_the_operation_is_404(make_app: AppFactory) -> None:
    async with client_for(make_app(mode="path")) as http:
        response = await http.post("/v2/api/ships", json={"name": "Bounty", "tonnage": 1})
        created = await http.post("/v3/api/ships", json={"name": "Bounty", "tonnage": 1})
    assert response.status_code == 404
    assert response.json()["detail"] == "This operation is not available in version 2."
    assert response.json()["supported"] == ["3"]
    assert created.status_code == 201


async def test_successor_link_points_at_the_successor_prefix(make_app: AppFactory) -> None:
    response = await get(make_app(mode="path"), "/v1/api/ships?limit=2")
    assert response.headers["deprecation"] == "@1735689600"
    assert response.headers.get_list("link")[0] == '</v2/api/ships>; rel="successor-version"'


async def test_path_prefix_puts_the_version_after_it(make_app: AppFactory) -> None:
    app = make_app(mode="path", path_prefix="/api")
    assert (await get(app, "/api/v2/ships")).json()[0]["tonnage"] == 366
    assert (await get(app, "/v2/api/ships")).status_code == 404
    old = await get(app, "/api/v1/ships")
    assert old.headers.get_list("link")[0] == '</api/v2/ships>; rel="successor-version"'


async def test_both_modes_together(make_app: AppFactory) -> None:
    app = make_app(mode="both")
    by_header = await get(app, "/api/ships", V3)
    by_path = await get(app, "/v3/api/ships")
    default = await get(app, "/api/ships")
    assert by_header.json() == by_path.json() == [{"name": "Endeavour (v3)", "tonnage": 366}]
    assert by_header.headers["vary"] == "Accept"
    assert default.headers["content-type"] == "application/vnd.acme.v2+json"


async def test_header_mode_ignores_prefixes(make_app: AppFactory) -> None:
    assert (await get(make_app(), "/v3/api/ships")).status_code == 404
