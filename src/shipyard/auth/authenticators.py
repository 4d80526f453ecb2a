"""The per-app authenticator registry and :func:`resolve_identity`.

An authenticator is an async callable ``(request, db_session) -> Identity | None``. Each
app keeps its own list, tried in ascending ``priority`` (bearer JWT 100, ``X-API-Key``
200, the login session 300, which every app has). The first Identity whose user is
active wins; an identity of an inactive user is refused here, centrally, whatever method
produced it. The result (None included) is cached per request
(:mod:`shipyard.auth.identity`). An identity from a request header (a bearer token, an API
key) keeps the response out of caches (``Cache-Control``, ``Vary`` on that header; see
:mod:`shipyard.sessions.caching`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from shipyard.auth.identity import RESOLVED, Identity
from shipyard.auth.sessionauth import session_authenticator
from shipyard.core.services import Service
from shipyard.sessions.caching import mark_private

Authenticator = Callable[[HTTPConnection, AsyncSession], Awaitable[Identity | None]]

PRIORITY_JWT = 100
PRIORITY_API_KEY = 200
PRIORITY_SESSION = 300


@dataclass(frozen=True, slots=True)
class _Entry:
    priority: int
    order: int
    authenticator: Authenticator


class AuthenticatorList(list[_Entry]):
    """One app's authenticators, kept sorted by priority (the login session first in)."""


AUTHENTICATORS = Service("authenticators", AuthenticatorList, "authenticator list")
"""The app's :class:`AuthenticatorList`, made with the session authenticator on first use."""


def _registry(app: Starlette) -> AuthenticatorList:
    return AUTHENTICATORS.get_or_create(
        app, lambda: AuthenticatorList([_Entry(PRIORITY_SESSION, 0, session_authenticator)])
    )


def register_authenticator(app: Starlette, authenticator: Authenticator, *, priority: int) -> None:
    """Add ``authenticator`` to ``app``; lower priorities are tried first (ties: in order)."""
    entries = _registry(app)
    if any(entry.authenticator is authenticator for entry in entries):
        return
    entries.append(_Entry(priority, len(entries), authenticator))
    entries.sort(key=lambda entry: (entry.priority, entry.order))


def authenticators(app: Starlette) -> list[Authenticator]:
    """The app's authenticators in the order they are tried."""
    return [entry.authenticator for entry in _registry(app)]


def credential_header(request: HTTPConnection, identity: Identity) -> str | None:
    """The request header ``identity`` came from; None for a login session (the cookie)."""
    if identity.method == "jwt":
        return "Authorization"
    if identity.method == "api_key":
        header: str = request.app.settings.tokens.api_keys.header_name
        return header
    return None


async def resolve_identity(request: HTTPConnection, session: AsyncSession) -> Identity | None:
    """The request's Identity (cached on ``request.state.identity``), or None.

    Identities of inactive users are discarded: an inactive account never gets in. The
    authenticators run once per request: the rate limiter, ``current_user``, permission
    checks and templates all get this cached answer. On a Shipyard app they all share the
    request's database session (:mod:`shipyard.db.request`); an identity resolved in
    another one (a plain FastAPI app's rate limiter uses a short transaction of its own)
    is moved into ``session`` without another query, so the ``User`` a handler gets
    belongs to the session it commits.
    """
    if request.scope.get(RESOLVED):
        cached: Identity | None = request.state.identity
        if cached is None or cached.user in session.sync_session:
            return cached
        user = await session.merge(cached.user, load=False)
        adopted = replace(cached, user=user)
        request.state.identity = adopted
        return adopted
    identity: Identity | None = None
    for authenticator in authenticators(request.app):
        found = await authenticator(request, session)
        if found is not None and found.user.is_active:
            identity = found
            break
    header = None if identity is None else credential_header(request, identity)
    if header is not None:
        mark_private(request.scope, header)
    request.state.identity = identity
    request.scope[RESOLVED] = True
    return identity
