"""The shipments pages: list, search, add, show, edit and delete, and what they refuse."""

from __future__ import annotations

import html
import re

from shipyard.testing import ShipyardClient, UserFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.shipments.models import Shipment
from tests.scenario import Scenario
from tests.shipments.factories import shipment_factory
from tests.ships.factories import ship_factory

HTMX = {"HX-Request": "true"}


async def valid_form(db_session: AsyncSession) -> dict[str, str]:
    """What a browser submits for a valid shipment (its references made here)."""
    ship = await ship_factory.create(db_session)
    return {
        "description": "first",
        "ship_id": str(ship.id),
        "declared_value": "41",
        "cleared": "on",
    }


async def editor(client: ShipyardClient, db_session: AsyncSession) -> ShipyardClient:
    """A browser signed in as an admin (who holds every permission)."""
    scenario = await Scenario().with_user(admin=True).build(db_session)
    return await client.as_user(scenario.admin)


async def test_the_list_says_when_it_is_empty(client: ShipyardClient) -> None:
    response = await client.get("/shipments")

    assert response.status_code == 200
    assert "No shipments yet." in response.text


async def test_the_list_shows_each_shipment(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    scenario = await Scenario().with_shipments(3).build(db_session)

    response = await client.get("/shipments", params={"sort": "-created_at"})

    assert response.status_code == 200
    for shipment in scenario.all(Shipment):
        assert f'id="shipment-{shipment.id}"' in response.text


async def test_load_more_fetches_the_next_rows(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    await shipment_factory.create_batch(db_session, 3)

    first = await client.get("/shipments", params={"limit": 2, "sort": "-created_at"}, headers=HTMX)

    assert first.text.count('<tr id="shipment-') == 2
    more = re.search(r'hx-get="([^"]+)"[^>]*>Load more', first.text)
    assert more is not None, "a page that is not the last offers the next"
    rest = await client.get(html.unescape(more.group(1)) + "&limit=2", headers=HTMX)
    assert rest.status_code == 200
    assert rest.text.count('<tr id="shipment-') == 1
    assert "Load more" not in rest.text


async def test_search_narrows_the_rows(client: ShipyardClient, db_session: AsyncSession) -> None:
    wanted = await shipment_factory.create(db_session, description="zebra")
    other = await shipment_factory.create(db_session)

    response = await client.get("/shipments", params={"q": "zebra"}, headers=HTMX)

    assert response.status_code == 200
    assert f'id="shipment-{wanted.id}"' in response.text
    assert f'id="shipment-{other.id}"' not in response.text
    assert "<html" not in response.text


async def test_adds_a_shipment(client: ShipyardClient, db_session: AsyncSession) -> None:
    browser = await editor(client, db_session)
    assert (await browser.get("/shipments/new")).status_code == 200

    response = await browser.post("/shipments", data=await valid_form(db_session))

    assert response.status_code == 303, response.text
    shipment_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert await db_session.get(Shipment, shipment_id) is not None
    assert (await browser.get(response.headers["location"])).status_code == 200


async def test_wrong_input_shows_the_errors_inline(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)
    form = {**await valid_form(db_session), "description": ""}

    response = await browser.post("/shipments", data=form, headers=HTMX)

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert "<html" not in response.text
    assert list(await db_session.scalars(select(Shipment))) == []


async def test_edits_a_shipment(client: ShipyardClient, db_session: AsyncSession) -> None:
    browser = await editor(client, db_session)
    shipment = await shipment_factory.create(db_session)
    assert (await browser.get(f"/shipments/{shipment.id}/edit")).status_code == 200

    response = await browser.post(
        f"/shipments/{shipment.id}", data=await valid_form(db_session), headers=HTMX
    )

    assert response.status_code == 200
    assert response.headers["hx-redirect"] == f"/shipments/{shipment.id}"


async def test_deletes_a_shipment_from_its_row(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)
    shipment = await shipment_factory.create(db_session)

    response = await browser.delete(f"/shipments/{shipment.id}", headers=HTMX)

    assert response.status_code == 200
    assert (await client.get(f"/shipments/{shipment.id}")).status_code == 404


async def test_the_ship_search_answers_matching_options(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)
    wanted = await ship_factory.create(db_session)
    url = "/shipments/choices/ship"

    found = await browser.get(url, params={"q": str(wanted.name)}, headers=HTMX)
    none = await browser.get(url, params={"q": "no such ship"}, headers=HTMX)

    assert found.status_code == 200
    assert f'value="{wanted.id}"' in found.text
    assert none.status_code == 200
    assert "No match." in none.text
    assert f'value="{wanted.id}"' not in none.text


async def test_the_ship_search_refuses_hostile_input(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)

    for params in ({"q": "x" * 101}, {"q": "a\x00b"}, {"ship_id": "1 OR 1=1"}):
        response = await browser.get("/shipments/choices/ship", params=params)
        assert response.status_code == 422, params


async def test_a_ship_that_is_not_offered_is_refused_inline(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)
    form = {**await valid_form(db_session), "ship_id": "987654"}

    response = await browser.post("/shipments", data=form, headers=HTMX)

    assert response.status_code == 422
    assert "Choose one of the options offered." in response.text
    assert list(await db_session.scalars(select(Shipment))) == []


async def test_a_missing_shipment_is_404(client: ShipyardClient) -> None:
    response = await client.get("/shipments/987654")

    assert response.status_code == 404


async def test_adding_needs_a_login(client: ShipyardClient) -> None:
    response = await client.get("/shipments/new", headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert "login" in response.headers["location"]


async def test_adding_needs_the_permission(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await client.as_user(await UserFactory().create(db_session))

    response = await browser.post("/shipments", data=await valid_form(db_session))

    assert response.status_code == 403
    assert list(await db_session.scalars(select(Shipment))) == []


async def test_the_form_searches_need_the_permission(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await client.as_user(await UserFactory().create(db_session))

    response = await browser.get("/shipments/choices/ship", params={"q": "a"})

    assert response.status_code == 403
