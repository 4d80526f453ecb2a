"""The shipments JSON API: list, read, create, change, delete, and what it refuses."""

from __future__ import annotations

from typing import Any

from shipyard.testing import ShipyardClient, UserFactory
from sqlalchemy.ext.asyncio import AsyncSession

from app.shipments.models import Shipment
from tests.scenario import Scenario
from tests.shipments.factories import shipment_factory
from tests.ships.factories import ship_factory

PREFIX = "/api/shipments"


async def valid_body(db_session: AsyncSession) -> dict[str, Any]:
    """A body the API accepts, pointing at rows made for it."""
    ship = await ship_factory.create(db_session)
    return {
        "description": "first",
        "ship_id": ship.id,
        "declared_value": 41,
        "cleared": True,
    }


async def writer(client: ShipyardClient, db_session: AsyncSession) -> ShipyardClient:
    """A client signed in as an admin (who holds every permission)."""
    scenario = await Scenario().with_user(admin=True).build(db_session)
    return await client.as_user(scenario.admin, via="session")


async def test_lists_shipments_a_page_at_a_time(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    scenario = await Scenario().with_shipments(3).build(db_session)

    first = await client.get(PREFIX, params={"limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert len(body["items"]) == 2
    rest = await client.get(PREFIX, params={"limit": 2, "cursor": body["next_cursor"]})
    ids = {item["id"] for item in body["items"] + rest.json()["items"]}
    assert ids == {shipment.id for shipment in scenario.all(Shipment)}


async def test_lists_only_the_fields_asked_for(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    await shipment_factory.create(db_session)

    response = await client.get(PREFIX, params={"fields": "id,description"})

    assert response.status_code == 200
    assert set(response.json()["items"][0]) == {"id", "description"}


async def test_refuses_an_unknown_sort_with_400(client: ShipyardClient) -> None:
    response = await client.get(PREFIX, params={"sort": "nope"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_reads_one_shipment(client: ShipyardClient, db_session: AsyncSession) -> None:
    shipment = await shipment_factory.create(db_session)

    response = await client.get(f"{PREFIX}/{shipment.id}")

    assert response.status_code == 200
    assert response.json()["id"] == shipment.id


async def test_a_missing_shipment_is_404(client: ShipyardClient) -> None:
    response = await client.get(f"{PREFIX}/987654")

    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")


async def test_an_absurd_id_is_404_not_a_database_error(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    api = await writer(client, db_session)

    response = await api.patch(f"{PREFIX}/{2**70}", json={})

    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")


async def test_creates_a_shipment(client: ShipyardClient, db_session: AsyncSession) -> None:
    api = await writer(client, db_session)
    body = await valid_body(db_session)

    response = await api.post(PREFIX, json=body)

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{PREFIX}/{created['id']}"
    assert await db_session.get(Shipment, created["id"]) is not None


async def test_refuses_invalid_input_with_422(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    api = await writer(client, db_session)
    body = {**await valid_body(db_session), "description": ""}

    response = await api.post(PREFIX, json=body)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["description"]


async def test_refuses_a_body_without_the_required_fields(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    api = await writer(client, db_session)

    response = await api.post(PREFIX, json={})

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"description", "ship_id"}


async def test_refuses_a_ship_that_does_not_exist(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    api = await writer(client, db_session)
    body = {**await valid_body(db_session), "ship_id": 987654}

    response = await api.post(PREFIX, json=body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ship_id"


async def test_changes_only_the_fields_sent(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    api = await writer(client, db_session)
    shipment = await shipment_factory.create(db_session)

    response = await api.patch(f"{PREFIX}/{shipment.id}", json={"description": "second"})

    assert response.status_code == 200, response.text
    assert response.json()["description"] == "second"


async def test_deletes_a_shipment(client: ShipyardClient, db_session: AsyncSession) -> None:
    api = await writer(client, db_session)
    shipment = await shipment_factory.create(db_session)

    response = await api.delete(f"{PREFIX}/{shipment.id}")

    assert response.status_code == 204
    assert (await client.get(f"{PREFIX}/{shipment.id}")).status_code == 404


async def test_writing_needs_a_login(client: ShipyardClient, db_session: AsyncSession) -> None:
    response = await client.post(PREFIX, json=await valid_body(db_session))

    assert response.status_code == 401


async def test_writing_needs_the_permission(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    user = await UserFactory().create(db_session)
    api = await client.as_user(user, via="session")

    response = await api.post(PREFIX, json=await valid_body(db_session))

    assert response.status_code == 403
