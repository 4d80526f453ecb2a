"""Development data: `shipyard db seed` (run by `make demo`) calls `seed` in one transaction.

Every profile gets the fleet. The development profile also gets an administrator to
try the account pages and the API with (never seeded in test or production):

- email ``admin@example.test``, password ``showcase-admin-password`` (``DEV_ADMIN_*``),
- role ``admin`` holding ``*`` (every permission, including ``ships:create`` and the jobs
  dashboard's ``jobs:admin``).

Running it again adds nothing twice: only the missing ships, user and role are inserted.
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


async def seed(session: AsyncSession) -> None:
    """The fleet, plus the administrator when the profile is ``development``."""
    await seed_fleet(session)
    settings = load_settings(ROOT)
    if settings.profile == "development":
        await seed_admin(session, settings.auth)
