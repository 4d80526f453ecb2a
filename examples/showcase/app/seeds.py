"""Development data: `shipyard db seed` (run by `make demo`) calls `seed` in one transaction.

Every profile gets the fleet. The development profile also gets an administrator to
try the account pages and the API with (never seeded in test or production):

- email ``admin@example.test``, password ``showcase-admin-password`` (``DEV_ADMIN_*``),
- role ``admin`` holding ``*`` (every permission, including ``ships:create`` and the jobs
  dashboard's ``jobs:admin``);

and two sailors to see ``ShipPolicy`` at work (docs/policies.md): ``ann@example.test``
and ``bob@example.test``, password ``showcase-sailor-password``, role ``sailor``
(``ships:create``, ``ships:update``, ``ships:delete``, ``ships:read`` and the same for
shipments), each owning one ship (Aurora, Bounty) the other cannot see, change or delete,
nor see or load a shipment onto (``ShipmentPolicy``).

Running it again adds nothing twice: only the missing ships, users and roles are inserted.
"""

from pathlib import Path

from shipyard.auth import create_user, find_by_email
from shipyard.authz import assign_role, create_role, find_role
from shipyard.config import load_settings
from shipyard.config.models import AuthSettings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ships.models import Ship

ROOT = Path(__file__).resolve().parent.parent
SHIPS = ("Beagle", "Endeavour", "Fram", "Kon-Tiki")
DEV_ADMIN_EMAIL = "admin@example.test"
DEV_ADMIN_PASSWORD = "showcase-admin-password"  # development only; documented in README
ADMIN_ROLE = "admin"
SAILOR_ROLE = "sailor"
SAILOR_PERMISSIONS = tuple(
    f"{resource}:{action}"
    for resource in ("ships", "shipments")
    for action in ("create", "update", "delete", "read")
)
DEV_SAILOR_PASSWORD = "showcase-sailor-password"  # development only; documented in README
DEV_SAILORS = {"ann@example.test": "Aurora", "bob@example.test": "Bounty"}
"""Each demo sailor and the ship they own."""


async def seed_fleet(session: AsyncSession) -> None:
    """Add the fleet the home page and `/api/ships` show out of the box."""
    existing = set(await session.scalars(select(Ship.name).where(Ship.name.in_(SHIPS))))
    session.add_all(Ship(name=name) for name in SHIPS if name not in existing)


async def seed_admin(session: AsyncSession, settings: AuthSettings) -> None:
    """Add the development administrator and the ``admin`` role (``*``)."""
    if await find_role(session, ADMIN_ROLE) is None:
        await create_role(session, ADMIN_ROLE, ["*"], description="Everything.")
    user = await find_by_email(session, DEV_ADMIN_EMAIL)
    if user is None:
        user = await create_user(
            session, DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD, settings, is_verified=True
        )
    await assign_role(session, user, ADMIN_ROLE)


async def seed_sailors(session: AsyncSession, settings: AuthSettings) -> None:
    """Add the ``sailor`` role and Ann and Bob, each with a ship of their own."""
    if await find_role(session, SAILOR_ROLE) is None:
        await create_role(
            session, SAILOR_ROLE, SAILOR_PERMISSIONS, description="Sails their own ships."
        )
    for email, ship_name in DEV_SAILORS.items():
        user = await find_by_email(session, email)
        if user is None:
            user = await create_user(
                session, email, DEV_SAILOR_PASSWORD, settings, is_verified=True
            )
        await assign_role(session, user, SAILOR_ROLE)
        if await session.scalar(select(Ship.id).where(Ship.name == ship_name)) is None:
            session.add(Ship(name=ship_name, owner_id=user.id))


async def seed(session: AsyncSession) -> None:
    """The fleet, plus the administrator and the sailors when the profile is ``development``."""
    await seed_fleet(session)
    settings = load_settings(ROOT)
    if settings.profile == "development":
        await seed_admin(session, settings.auth)
        await seed_sailors(session, settings.auth)
