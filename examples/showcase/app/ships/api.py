"""JSON endpoints: ``GET /api/ships`` lists ships, ``POST /api/ships`` adds one.

Listing is public. Adding needs the ``ships:create`` permission, with a bearer JWT
(``POST /auth/token``), an ``X-API-Key`` or a login session: 401 problem JSON without
credentials, 403 without the permission.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from shipyard.authz import HasPermission
from shipyard.db import DbSession
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.ships.models import Ship
from app.ships.schemas import ShipCreate, ShipRead

router = APIRouter(prefix="/api/ships", tags=["ships"])


@router.get("", response_model=list[ShipRead])
async def list_ships(session: DbSession) -> list[Ship]:
    """Every ship, oldest first."""
    result = await session.scalars(select(Ship).order_by(Ship.id))
    return list(result)


@router.post(
    "",
    response_model=ShipRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(HasPermission("ships:create"))],
)
async def create_ship(body: ShipCreate, session: DbSession) -> Ship:
    """Add a ship; its name must not be taken (409 otherwise)."""
    ship = Ship(name=body.name)
    session.add(ship)
    try:
        await session.flush()
    except IntegrityError:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"a ship named {body.name!r} already exists"
        ) from None
    return ship
