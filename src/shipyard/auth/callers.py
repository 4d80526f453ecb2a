"""The accounts side of rate limiting: who a credentialed request comes from.

:class:`IdentityExtension` (one of the default batteries) installs
:data:`LIMIT_IDENTITIES` as the limiter's identity source
(:mod:`shipyard.ratelimit.identity`), so the limiter keys requests by user and API key
without importing this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection, Request

from shipyard.auth.authenticators import resolve_identity
from shipyard.auth.identity import Identity, resolved_identity
from shipyard.db.extension import get_database
from shipyard.db.request import request_session
from shipyard.extension import Extension
from shipyard.ratelimit.identity import IDENTITY_KEYS, Caller, IdentityKeys

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


def caller_of(identity: Identity | None) -> Caller | None:
    """The rate-limit view of an identity: its user, and its API key if it used one."""
    if identity is None:
        return None
    api_key = identity.credential_id if identity.method == "api_key" else None
    return Caller(identity.user.id, api_key)


async def resolve_caller(request: Request) -> Caller | None:
    """Authenticate the request's credential headers in the request's database session.

    The identity stays cached on the request: ``current_user`` answers it again without a
    query, and what the authenticators recorded (an API key's last use) is committed with
    the request (:mod:`shipyard.db.request`). Outside that middleware (a plain FastAPI
    app) the lookup runs in a short transaction of its own.
    """
    shared = request_session(request.scope)
    if shared is not None:
        return caller_of(await resolve_identity(request, shared))
    async with get_database(request.app).sessionmaker() as session, session.begin():
        return caller_of(await resolve_identity(request, session))


def resolved_caller(connection: HTTPConnection) -> Caller | None:
    """The caller of the identity already resolved for this request, if any."""
    return caller_of(resolved_identity(connection))


LIMIT_IDENTITIES = IdentityKeys(resolve=resolve_caller, resolved=resolved_caller)
"""The identity source the limiter uses on every Shipyard app."""


class IdentityExtension(Extension):
    """Lets the rate limiter count requests per user and per API key."""

    name = "identity"

    def setup(self, app: AppBase) -> None:
        IDENTITY_KEYS.provide(app, LIMIT_IDENTITIES)
