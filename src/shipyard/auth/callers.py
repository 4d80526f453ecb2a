"""The accounts side of rate limiting and templates: who a request comes from.

:class:`IdentityExtension` (one of the default batteries) installs
:data:`LIMIT_IDENTITIES` as the limiter's identity source
(:mod:`shipyard.ratelimit.identity`), so the limiter keys requests by user and API key
without importing this package, and :data:`TEMPLATE_VIEWERS` as the source of
``current_user`` in templates (:mod:`shipyard.web.viewer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect
from starlette.requests import HTTPConnection, Request

from shipyard.auth.authenticators import resolve_identity
from shipyard.auth.identity import RESOLVED, Identity, resolved_identity
from shipyard.auth.models import User
from shipyard.db.extension import get_database
from shipyard.db.request import request_session
from shipyard.extension import Extension
from shipyard.ratelimit.identity import IDENTITY_KEYS, Caller, IdentityKeys
from shipyard.web.viewer import VIEWERS, ViewerSource

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


def _expired(user: User) -> bool:
    """True when reading the user's columns would query (a rollback expired them)."""
    return bool(inspect(user).expired_attributes)


async def resolve_viewer_user(connection: HTTPConnection) -> object | None:
    """The request's user for templates, resolved in the request's database session.

    A user a rollback expired (an error page after a failed request) is read again, so
    the template can show it without querying.
    """
    shared = request_session(connection.scope)
    if shared is None:
        return None
    identity = await resolve_identity(connection, shared)
    if identity is None:
        return None
    if _expired(identity.user):
        await shared.refresh(identity.user)
    return identity.user


def resolved_viewer_user(connection: HTTPConnection) -> tuple[bool, object | None]:
    """``(True, user or None)`` once the request's identity was resolved and its user can
    be shown without a query, else ``(False, None)``."""
    if not connection.scope.get(RESOLVED):
        return False, None
    identity = resolved_identity(connection)
    if identity is not None and _expired(identity.user):
        return False, None
    return True, None if identity is None else identity.user


TEMPLATE_VIEWERS = ViewerSource(resolve=resolve_viewer_user, resolved=resolved_viewer_user)
"""Where templates' ``current_user`` comes from on every Shipyard app."""


class IdentityExtension(Extension):
    """Lets the rate limiter count requests per user and per API key, and templates show
    who is logged in."""

    name = "identity"

    def setup(self, app: AppBase) -> None:
        IDENTITY_KEYS.provide(app, LIMIT_IDENTITIES)
        VIEWERS.provide(app, TEMPLATE_VIEWERS)
