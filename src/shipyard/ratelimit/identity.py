"""Who sent a request, as the rate limiter needs to know it: supplied by ``auth``.

The limiter never imports the accounts code. ``auth`` installs an :class:`IdentityKeys`
on the app (the :data:`IDENTITY_KEYS` service); without one, every request is counted
per client IP (a logged-in session, whose id carries its owner tag, per user).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import HTTPConnection, Request

from shipyard.core.services import Service


@dataclass(frozen=True, slots=True)
class Caller:
    """The identity already resolved for a request, reduced to what limits are keyed by."""

    user_id: object
    api_key_id: str | None = None


@dataclass(frozen=True, slots=True)
class IdentityKeys:
    """How the limiter learns who is calling, installed by the accounts code.

    ``resolve`` authenticates the credential headers of a request (it may query the
    database) and answers its :class:`Caller`, or None; ``resolved`` answers the caller an
    earlier step already resolved, without resolving one.
    """

    resolve: Callable[[Request], Awaitable[Caller | None]]
    resolved: Callable[[HTTPConnection], Caller | None]


IDENTITY_KEYS = Service("identity_keys", IdentityKeys, "identity source for rate limits")
"""The app's :class:`IdentityKeys` (installed by the ``auth`` wiring of the default app)."""


async def credential_caller(request: Request) -> Caller | None:
    """The caller the request's credential headers authenticate, or None."""
    keys = IDENTITY_KEYS.find(request.app)
    return None if keys is None else await keys.resolve(request)


def resolved_caller(connection: HTTPConnection) -> Caller | None:
    """The caller already resolved for this request, or None."""
    keys = IDENTITY_KEYS.find(connection.app)
    return None if keys is None else keys.resolved(connection)
