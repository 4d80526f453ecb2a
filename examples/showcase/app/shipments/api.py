"""The shipments JSON API, built on :class:`shipyard.api.resource.Resource`.

- ``GET /api/shipments``: sort (``?sort=-created_at``), filter (``?description__icontains=...``),
  select fields (``?fields=id,description``), search (``?q=...``) and page by
  cursor (``?limit=20&cursor=...``; the ``Link`` header has the neighbouring pages).
- ``GET/PATCH/DELETE /api/shipments/{id}`` and ``POST /api/shipments``.

Reading is public. Adding, changing and deleting need ``shipments:create``,
``shipments:update`` and ``shipments:delete`` (``app/shipments/permissions.py``),
and ``ShipmentPolicy`` (``app/shipments/policy.py``) decides per shipment: its scope
narrows every list, cursor and lookup by id.
``ship_id`` must name an existing Ship in its policy's scope: anything else is a 422.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError
from shipyard.api.query import Listing
from shipyard.api.resource import Resource
from shipyard.auth import Identity, OptionalIdentity
from shipyard.authz import PolicyAccess, scope_for
from shipyard.db import DbSession, RowId
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.shipments.models import Shipment
from app.shipments.permissions import REQUIRED
from app.shipments.policy import ShipmentPolicy
from app.shipments.schemas import ShipmentCreate, ShipmentRead, ShipmentUpdate
from app.ships.models import Ship

PREFIX = "/api/shipments"


def search(statement: Select[Any], q: str) -> Select[Any]:
    """The shipments whose description contains ``q``, ignoring case."""
    return statement.where(Shipment.description.icontains(q, autoescape=True))


listing = Listing(
    Shipment,
    sortable=["description", "ship_id", "declared_value", "cleared", "created_at", "updated_at"],
    filterable=["description", "ship_id", "declared_value", "cleared", "created_at"],
    selectable=[
        "id",
        "description",
        "ship_id",
        "declared_value",
        "cleared",
        "created_at",
        "updated_at",
    ],
    default_sort=["-created_at"],
    search=search,
)
shipments = Resource(
    Shipment,
    listing=listing,
    schema_out=ShipmentRead,
    schema_create=ShipmentCreate,
    schema_update=ShipmentUpdate,
    label="shipment",
    access=PolicyAccess(ShipmentPolicy),
)

router = APIRouter(tags=["shipments"])
router.include_router(
    shipments.router(PREFIX, operations=["list", "get", "delete"], dependencies_for=REQUIRED)
)


async def check_references(
    session: AsyncSession, data: ShipmentCreate | ShipmentUpdate, identity: Identity | None
) -> None:
    """Refuse ids that name no row, or one outside its model's policy scope (every row of a
    model without a policy, such as User), with a 422 before the database refuses the write."""
    restrict = scope_for(identity, unpoliced="all")
    errors: list[dict[str, Any]] = []
    chosen = select(Ship.id).where(Ship.id == data.ship_id)
    if data.ship_id is not None and await session.scalar(restrict(chosen)) is None:
        errors.append(
            {
                "type": "missing_reference",
                "loc": ("body", "ship_id"),
                "msg": f"There is no ship {data.ship_id}.",
                "input": data.ship_id,
            }
        )
    if errors:
        raise RequestValidationError(errors)


@router.post(
    PREFIX,
    status_code=201,
    name="shipment_create",
    dependencies=REQUIRED["create"],
)
async def create_shipment(
    data: ShipmentCreate, session: DbSession, response: Response, identity: OptionalIdentity
) -> ShipmentRead:
    """Add a shipment; its ``Location`` header is the new shipment's address."""
    await check_references(session, data, identity)
    created = await shipments.create(session, data, principal=identity)
    response.headers["Location"] = f"{PREFIX}/{created.id}"
    return created


@router.patch(
    PREFIX + "/{id}",
    name="shipment_update",
    dependencies=REQUIRED["update"],
)
async def update_shipment(
    id: RowId, data: ShipmentUpdate, session: DbSession, identity: OptionalIdentity
) -> ShipmentRead:
    """Change the fields sent; 404 when there is no such shipment."""
    await check_references(session, data, identity)
    return await shipments.update(session, id, data, principal=identity)
