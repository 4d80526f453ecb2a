"""Ending every credential of a user at once (logout everywhere, password change).

Sessions end through the user's ``session_epoch``; other kinds of credentials (API tokens,
later OAuth grants) belong to other subsystems, which register a revoker here. The
account flows call :func:`revoke_credentials` without knowing who registered what.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from shipyard.core.services import Service

Revoker = Callable[[AsyncSession, int], Awaitable[object]]
"""``revoker(db_session, user_id)``: revoke what it owns in that session (no commit)."""


class Revokers(list[Revoker]):
    """One app's revokers, in registration order."""


REVOKERS = Service("revokers", Revokers, "credential revoker list")
"""The app's :class:`Revokers` (made by the first registration)."""


def on_credentials_revoked(app: Starlette, revoker: Revoker) -> None:
    """Have ``revoker`` run whenever a user's credentials are all revoked."""
    REVOKERS.get_or_create(app, Revokers).append(revoker)


async def revoke_credentials(app: Starlette, db: AsyncSession, user_id: int) -> None:
    """Run every registered revoker for ``user_id`` in ``db`` (the caller commits)."""
    for revoker in REVOKERS.find(app) or ():
        await revoker(db, user_id)
