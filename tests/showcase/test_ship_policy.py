"""IDOR suite over the showcase: Bob cannot read, change or delete Ann's ships.

Ann and Bob both hold ``ships:create/update/delete/read`` (no ``ships:manage``), so only
``ShipPolicy`` stands between them. Every way in is tried: the HTML pages (full page and
htmx), the JSON API by id in both versions, list filters, sort-order probing, field
selection, totals, a cursor taken from Ann's page, token scopes and a related-record
select of ships. The fleet (unowned) stays visible to everyone. The showcase has no bulk
actions. Real app, real login form and token endpoint, migrated SQLite database.

Shipments (``ShipmentPolicy``) follow their ship, and their forms hold: the ship select
offers only ships in the caller's scope, a forged ``ship_id`` is refused inline (and by
the JSON API with a 422, the same as a missing ship), fields
only customs may set are disabled and a hostile POST of them changes nothing, and the
declared value customs alone may read shows on no page of anyone else.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shipyard.app import App
from shipyard.auth import Identity, User
from shipyard.authz import scope_for
from shipyard.db import Model, get_database
from shipyard.forms.choices import reference_choices, search_choices

from .accounts import access_token, add_user, log_in

SAILOR = [
    f"{kind}:{action}"
    for kind in ("ships", "shipments")
    for action in ("create", "update", "delete", "read")
]
CUSTOMS = ["shipments:*"]
REFUSED = "Choose one of the options offered."
HTMX = {"HX-Request": "true"}
HTML = {"Accept": "text/html"}
V2 = {"Accept": "application/vnd.shipyard.v2+json"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Sailor:
    """A user's browser (logged in with the form) and API client (bearer JWT)."""

    id: int
    browser: httpx.AsyncClient
    api: httpx.AsyncClient

    async def csrf(self) -> str:
        match = CSRF.search((await self.browser.get("/ships")).text)
        assert match is not None
        return match.group(1)


def _client(app: App) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _sailor(app: App, email: str, permissions: list[str] = SAILOR) -> AsyncIterator[Sailor]:
    user_id = await add_user(app, email, permissions=permissions)
    async with _client(app) as browser, _client(app) as api:
        await log_in(browser, email)
        api.headers["Authorization"] = f"Bearer {await access_token(api, email)}"
        yield Sailor(user_id, browser, api)


@pytest.fixture
async def ann(started_app: App) -> AsyncIterator[Sailor]:
    async for sailor in _sailor(started_app, "ann@example.test"):
        yield sailor


@pytest.fixture
async def bob(started_app: App) -> AsyncIterator[Sailor]:
    async for sailor in _sailor(started_app, "bob@example.test"):
        yield sailor


@pytest.fixture
async def fleet(started_app: App, ann: Sailor, bob: Sailor) -> dict[str, int]:
    """Ann's Aurora and Albatross, Bob's Bounty, the (unowned) fleet's Fram; ids by name."""
    ids: dict[str, int] = {}
    for sailor, name in ((ann, "Aurora"), (ann, "Albatross"), (bob, "Bounty")):
        created = await sailor.api.post("/api/ships", json={"name": name})
        assert created.status_code == 201, created.text
        ids[name] = created.json()["id"]
    await add_user(started_app, "harbour@example.test", permissions=["ships:*"])
    async with _client(started_app) as manager:
        token = await access_token(manager, "harbour@example.test")
        created = await manager.post(
            "/api/ships", json={"name": "Fram"}, headers={"Authorization": f"Bearer {token}"}
        )
        ids["Fram"] = created.json()["id"]
    return ids


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    body: Any = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return sorted(item["name"] for item in items if "name" in item)


async def test_each_sees_the_fleet_and_their_own(
    started_app: App, fleet: dict[str, int], ann: Sailor, bob: Sailor
) -> None:
    assert names(await ann.api.get("/api/ships")) == ["Albatross", "Aurora", "Fram"]
    assert names(await bob.api.get("/api/ships")) == ["Bounty", "Fram"]
    assert names(await bob.api.get("/api/ships", headers=V2)) == ["Bounty", "Fram"]
    async with _client(started_app) as anonymous:
        assert names(await anonymous.get("/api/ships")) == ["Fram"]
        assert (await anonymous.get(f"/api/ships/{fleet['Aurora']}")).status_code == 404


async def test_html_pages_hide_anns_ships_from_bob(
    fleet: dict[str, int], ann: Sailor, bob: Sailor
) -> None:
    page = (await bob.browser.get("/ships")).text
    assert "Bounty" in page
    assert "Fram" in page
    assert "Aurora" not in page
    assert "Albatross" not in page
    aurora = fleet["Aurora"]
    full = await bob.browser.get(f"/ships/{aurora}", headers=HTML)
    fragment = await bob.browser.get(f"/ships/{aurora}", headers=HTMX)
    missing = await bob.browser.get("/ships/999999", headers=HTML)
    assert [full.status_code, fragment.status_code] == [404, 404]
    assert "<html" in full.text
    assert "Aurora" not in full.text
    assert missing.status_code == 404
    token = await bob.csrf()
    deleted = await bob.browser.delete(f"/ships/{aurora}", headers={**HTMX, "X-CSRF-Token": token})
    assert deleted.status_code == 404
    assert "Aurora" in names(await ann.api.get("/api/ships"))
    own = (await ann.browser.get("/ships")).text
    assert f'hx-delete="/ships/{aurora}"' in own
    assert f'hx-delete="/ships/{fleet["Fram"]}"' not in own  # the fleet is the managers'
    assert (await ann.browser.get(f"/ships/{aurora}", headers=HTMX)).status_code == 200


@pytest.mark.parametrize("headers", [{}, V2], ids=["v1", "v2"])
async def test_the_api_by_id_answers_404_like_a_missing_ship(
    fleet: dict[str, int], ann: Sailor, bob: Sailor, headers: dict[str, str]
) -> None:
    aurora = fleet["Aurora"]
    for method, body in (("GET", None), ("PATCH", {"name": "Mine"}), ("DELETE", None)):
        theirs = await bob.api.request(method, f"/api/ships/{aurora}", json=body, headers=headers)
        missing = await bob.api.request(method, "/api/ships/999999", json=body, headers=headers)
        assert theirs.status_code == missing.status_code == 404, method
        assert theirs.json()["detail"] == f"There is no ship {aurora}."
        assert set(theirs.json()) == set(missing.json())
    assert (await ann.api.get(f"/api/ships/{aurora}")).json()["name"] == "Aurora"
    fram = await bob.api.patch(f"/api/ships/{fleet['Fram']}", json={"name": "Frammed"})
    assert fram.status_code == 404  # visible, but only managers change the fleet


async def test_filters_sorting_fields_and_totals_never_reach_anns_ships(
    fleet: dict[str, int], bob: Sailor
) -> None:
    api = bob.api
    assert names(await api.get("/api/ships", params={"name__eq": "Aurora"})) == []
    assert names(await api.get("/api/ships", params={"name__icontains": "o"})) == ["Bounty"]
    assert names(await api.get("/api/ships", params={"name__startswith": "A"})) == []
    for sort in ("name", "-name", "created_at", "-created_at"):
        assert names(await api.get("/api/ships", params={"sort": sort})) == ["Bounty", "Fram"]
    first = await api.get("/api/ships", params={"sort": "name", "limit": 1})
    assert [ship["name"] for ship in first.json()] == ["Bounty"]
    selected = await api.get("/api/ships", params={"fields": "id,name"})
    assert sorted(ship["id"] for ship in selected.json()) == sorted(
        [fleet["Bounty"], fleet["Fram"]]
    )
    counted = await api.get("/api/ships", params={"total": "true"}, headers=V2)
    assert counted.json()["total"] == 2
    after = await api.get(
        "/api/ships", params={"created_at__gte": "2000-01-01T00:00:00Z"}, headers=V2
    )
    assert names(after) == ["Bounty", "Fram"]


async def test_a_cursor_from_anns_page_stays_in_bobs_scope(
    fleet: dict[str, int], ann: Sailor, bob: Sailor
) -> None:
    params = {"sort": "name", "limit": "1"}
    page = await ann.api.get("/api/ships", params=params, headers=V2)
    assert names(page) == ["Albatross"]
    cursor = page.json()["next_cursor"]
    stolen = await bob.api.get("/api/ships", params={**params, "cursor": cursor}, headers=V2)
    assert names(stolen) == ["Bounty"]
    walked = [names(stolen)]
    while stolen.json()["next_cursor"]:
        next_params = {**params, "cursor": stolen.json()["next_cursor"]}
        stolen = await bob.api.get("/api/ships", params=next_params, headers=V2)
        walked.append(names(stolen))
    assert walked == [["Bounty"], ["Fram"]]
    back = await bob.api.get(
        "/api/ships", params={**params, "cursor": page.json()["next_cursor"]}, headers=V2
    )
    previous = back.json()["prev_cursor"]
    before = await bob.api.get("/api/ships", params={**params, "cursor": previous}, headers=V2)
    assert names(before) == []


async def test_owners_change_and_delete_their_own(fleet: dict[str, int], ann: Sailor) -> None:
    renamed = await ann.api.patch(f"/api/ships/{fleet['Aurora']}", json={"name": "Aurora II"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Aurora II"
    token = await ann.csrf()
    deleted = await ann.browser.delete(
        f"/ships/{fleet['Albatross']}", headers={**HTMX, "X-CSRF-Token": token}
    )
    assert deleted.status_code == 200
    assert names(await ann.api.get("/api/ships")) == ["Aurora II", "Fram"]


async def _identity(app: App, user_id: int) -> Identity:
    async with get_database(app).sessionmaker() as session:
        user = (await session.scalars(select(User).where(User.id == user_id))).one()
        await user.awaitable_attrs.roles
        return Identity(user, "session")


async def test_related_record_selects_offer_only_the_scope(
    started_app: App, fleet: dict[str, int], bob: Sailor
) -> None:
    ship: Any = next(
        mapper.class_
        for mapper in Model.registry.mappers
        if getattr(mapper.class_, "__tablename__", None) == "ships"
    )
    identity = await _identity(started_app, bob.id)
    restrict = scope_for(identity)
    async with get_database(started_app).sessionmaker() as session:
        offered = await reference_choices(
            session, ship.id, ship.name, selected=fleet["Aurora"], restrict=restrict
        )
        searched = await search_choices(
            session, ship.id, ship.name, "A", selected=fleet["Aurora"], restrict=restrict
        )
    assert sorted(label for _, label in offered.options) == ["Bounty", "Fram"]
    assert [label for _, label in searched.options] == ["Fram"]


@pytest.fixture
async def customs(started_app: App) -> AsyncIterator[Sailor]:
    """A customs officer: every shipment permission (``shipments:inspect`` included)."""
    async for officer in _sailor(started_app, "customs@example.test", CUSTOMS):
        yield officer


async def _submit(sailor: Sailor, url: str, **fields: object) -> httpx.Response:
    """Post the shipment form (with the session's CSRF token) as a browser does."""
    data = {name: str(value) for name, value in fields.items()}
    return await sailor.browser.post(url, data={**data, "csrf_token": await sailor.csrf()})


async def _shipment(sailor: Sailor, description: str, ship_id: int) -> int:
    added = await _submit(sailor, "/shipments", description=description, ship_id=ship_id)
    assert added.status_code == 303, added.text
    return int(added.headers["location"].rsplit("/", 1)[1])


async def test_the_shipment_form_offers_only_ships_in_scope(
    fleet: dict[str, int], bob: Sailor
) -> None:
    form = (await bob.browser.get("/shipments/new")).text
    offered = {int(value) for value in re.findall(r'<option value="(\d+)"', form)}
    assert offered == {fleet["Bounty"], fleet["Fram"]}
    searched = await bob.browser.get(
        "/shipments/choices/ship", params={"q": "", "ship_id": fleet["Aurora"]}, headers=HTMX
    )
    assert searched.status_code == 200
    assert "Fram" in searched.text
    assert "Aurora" not in searched.text
    assert "Albatross" not in searched.text


async def test_a_forged_ship_id_is_refused_inline(
    fleet: dict[str, int], ann: Sailor, bob: Sailor
) -> None:
    aurora = fleet["Aurora"]
    forged = await _submit(bob, "/shipments", description="Contraband", ship_id=aurora)
    assert forged.status_code == 422
    assert REFUSED in forged.text
    assert "Aurora" not in forged.text
    rum = await _shipment(bob, "Rum", fleet["Bounty"])
    moved = await _submit(bob, f"/shipments/{rum}", description="Rum", ship_id=aurora)
    assert moved.status_code == 422
    assert REFUSED in moved.text
    api = await bob.api.post("/api/shipments", json={"description": "Rum", "ship_id": aurora})
    assert api.status_code == 422
    assert api.json()["errors"][0]["msg"] == f"There is no ship {aurora}."
    assert (await ann.api.get("/api/shipments")).json()["items"] == []
    assert (await bob.api.get(f"/api/shipments/{rum}")).json()["ship_id"] == fleet["Bounty"]


async def test_another_users_shipments_are_404_on_every_page(
    fleet: dict[str, int], ann: Sailor, bob: Sailor
) -> None:
    cargo = await _shipment(ann, "Anns cargo", fleet["Aurora"])
    assert "Anns cargo" not in (await bob.browser.get("/shipments")).text
    for url in (f"/shipments/{cargo}", f"/shipments/{cargo}/edit"):
        assert (await bob.browser.get(url, headers=HTML)).status_code == 404, url
    hijack = await _submit(bob, f"/shipments/{cargo}", description="Mine", ship_id=fleet["Bounty"])
    assert hijack.status_code == 404
    assert (await bob.api.get(f"/api/shipments/{cargo}")).status_code == 404
    assert (await ann.api.get(f"/api/shipments/{cargo}")).json()["description"] == "Anns cargo"


async def test_a_hostile_post_of_customs_fields_changes_nothing(
    fleet: dict[str, int], bob: Sailor, customs: Sailor
) -> None:
    fields = {"description": "Tea", "ship_id": fleet["Fram"]}
    added = await _submit(bob, "/shipments", **fields, cleared="on", declared_value=10**6)
    assert added.status_code == 303, added.text
    url = added.headers["location"]
    tea = (await customs.api.get(f"/api{url}")).json()
    assert (tea["cleared"], tea["declared_value"]) == (False, None)
    cleared = await customs.api.patch(f"/api{url}", json={"cleared": True, "declared_value": 500})
    assert cleared.status_code == 200, cleared.text

    form = (await bob.browser.get(f"{url}/edit")).text
    assert re.search(r'<input[^>]*name="cleared"[^>]*disabled=""', form)
    assert 'name="declared_value"' not in form
    edited = await _submit(bob, url, **{**fields, "description": "Green tea"})  # no cleared
    assert edited.status_code == 303, edited.text

    tea = (await customs.api.get(f"/api{url}")).json()
    assert (tea["description"], tea["cleared"], tea["declared_value"]) == ("Green tea", True, 500)
    refused = await bob.api.patch(f"/api{url}", json={"cleared": False})
    assert refused.status_code == 422


async def test_only_customs_see_declared_values(
    fleet: dict[str, int], bob: Sailor, customs: Sailor
) -> None:
    url = f"/shipments/{await _shipment(customs, 'Gold', fleet['Fram'])}"
    assert (await customs.api.patch(f"/api{url}", json={"declared_value": 777})).status_code == 200

    for page in ("/shipments", url):
        assert "Declared value" in (await customs.browser.get(page)).text, page
        theirs = (await bob.browser.get(page)).text
        assert "Gold" in theirs, page
        assert "Declared value" not in theirs, page
        assert "777" not in theirs, page
    assert "declared_value" not in (await bob.api.get(f"/api{url}")).json()
    assert (await customs.api.get(f"/api{url}")).json()["declared_value"] == 777
