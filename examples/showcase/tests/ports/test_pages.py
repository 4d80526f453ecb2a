"""The ports pages: list, search, add, show, edit and delete, and what they refuse."""

from __future__ import annotations

import html
import re

from shipyard.testing import ShipyardClient, UserFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ports.models import Port
from tests.ports.factories import port_factory
from tests.scenario import Scenario

HTMX = {"HX-Request": "true"}


async def valid_form(db_session: AsyncSession) -> dict[str, str]:
    """What a browser submits for a valid port."""
    return {
        "name": "first",
        "country": "first",
        "berths": "41",
    }


async def editor(client: ShipyardClient, db_session: AsyncSession) -> ShipyardClient:
    """A browser signed in as an admin (who holds every permission)."""
    scenario = await Scenario().with_user(admin=True).build(db_session)
    return await client.as_user(scenario.admin)


async def test_the_list_says_when_it_is_empty(client: ShipyardClient) -> None:
    response = await client.get("/ports")

    assert response.status_code == 200
    assert "No ports yet." in response.text


async def test_the_list_shows_each_port(client: ShipyardClient, db_session: AsyncSession) -> None:
    scenario = await Scenario().with_ports(3).build(db_session)

    response = await client.get("/ports", params={"sort": "-created_at"})

    assert response.status_code == 200
    for port in scenario.all(Port):
        assert f'id="port-{port.id}"' in response.text


async def test_load_more_fetches_the_next_rows(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    await port_factory.create_batch(db_session, 3)

    first = await client.get("/ports", params={"limit": 2, "sort": "-created_at"}, headers=HTMX)

    assert first.text.count('<tr id="port-') == 2
    more = re.search(r'hx-get="([^"]+)"[^>]*>Load more', first.text)
    assert more is not None, "a page that is not the last offers the next"
    rest = await client.get(html.unescape(more.group(1)) + "&limit=2", headers=HTMX)
    assert rest.status_code == 200
    assert rest.text.count('<tr id="port-') == 1
    assert "Load more" not in rest.text


async def test_search_narrows_the_rows(client: ShipyardClient, db_session: AsyncSession) -> None:
    wanted = await port_factory.create(db_session, name="zebra")
    other = await port_factory.create(db_session)

    response = await client.get("/ports", params={"q": "zebra"}, headers=HTMX)

    assert response.status_code == 200
    assert f'id="port-{wanted.id}"' in response.text
    assert f'id="port-{other.id}"' not in response.text
    assert "<html" not in response.text


async def test_adds_a_port(client: ShipyardClient, db_session: AsyncSession) -> None:
    browser = await editor(client, db_session)
    assert (await browser.get("/ports/new")).status_code == 200

    response = await browser.post("/ports", data=await valid_form(db_session))

    assert response.status_code == 303, response.text
    port_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert await db_session.get(Port, port_id) is not None
    assert (await browser.get(response.headers["location"])).status_code == 200


async def test_wrong_input_shows_the_errors_inline(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)
    form = {**await valid_form(db_session), "name": ""}

    response = await browser.post("/ports", data=form, headers=HTMX)

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert "<html" not in response.text
    assert list(await db_session.scalars(select(Port))) == []


async def test_edits_a_port(client: ShipyardClient, db_session: AsyncSession) -> None:
    browser = await editor(client, db_session)
    port = await port_factory.create(db_session)
    assert (await browser.get(f"/ports/{port.id}/edit")).status_code == 200

    response = await browser.post(
        f"/ports/{port.id}", data=await valid_form(db_session), headers=HTMX
    )

    assert response.status_code == 200
    assert response.headers["hx-redirect"] == f"/ports/{port.id}"


async def test_deletes_a_port_from_its_row(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await editor(client, db_session)
    port = await port_factory.create(db_session)

    response = await browser.delete(f"/ports/{port.id}", headers=HTMX)

    assert response.status_code == 200
    assert (await client.get(f"/ports/{port.id}")).status_code == 404


async def test_a_missing_port_is_404(client: ShipyardClient) -> None:
    response = await client.get("/ports/987654")

    assert response.status_code == 404


async def test_adding_needs_a_login(client: ShipyardClient) -> None:
    response = await client.get("/ports/new", headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert "login" in response.headers["location"]


async def test_adding_needs_the_permission(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    browser = await client.as_user(await UserFactory().create(db_session))

    response = await browser.post("/ports", data=await valid_form(db_session))

    assert response.status_code == 403
    assert list(await db_session.scalars(select(Port))) == []
