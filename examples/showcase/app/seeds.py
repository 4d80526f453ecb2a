"""Development data: `shipyard db seed` (run by `make demo`) calls `seed` in one transaction.

Running it again adds nothing twice: only the ships that are missing are inserted.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ships.models import Ship

SHIPS = ("Beagle", "Endeavour", "Fram", "Kon-Tiki")


async def seed(session: AsyncSession) -> None:
    """Add the fleet the home page and `/api/ships` show out of the box."""
    existing = set(await session.scalars(select(Ship.name).where(Ship.name.in_(SHIPS))))
    session.add_all(Ship(name=name) for name in SHIPS if name not in existing)
