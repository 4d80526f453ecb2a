"""The FastAPI dependencies: ``current_user``, ``optional_user``, ``require_user``.

When nobody is logged in, ``current_user`` answers the way the client can use:

- an htmx request gets ``200`` with ``HX-Redirect`` to the login page (a 3xx would be
  followed and the login page swapped into a fragment);
- an API client (a bearer token, or ``Accept`` not preferring HTML) gets ``401`` problem
  JSON with ``WWW-Authenticate``;
- a browser gets ``303`` to the login page with a safe ``next``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from shipyard.auth.authenticators import resolve_identity
from shipyard.auth.identity import Identity
from shipyard.auth.models import User
from shipyard.auth.redirects import login_redirect_url
from shipyard.core.openapi import declares_problems, requires_authentication
from shipyard.db.extension import get_database
from shipyard.db.request import request_session
from shipyard.web.htmx import htmx, htmx_redirect
from shipyard.web.negotiation import wants_html

VARY = "Accept, HX-Request"


class AuthenticationRequired(HTTPException):
    """Nobody is logged in; carries the redirect or 401 suited to the client."""


def authentication_required(request: Request) -> AuthenticationRequired:
    """The exception to raise when ``request`` needs a user and has none."""
    bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
    if bearer or not (htmx(request).request or wants_html(request)):
        challenge = 'Bearer realm="api"' + (', error="invalid_token"' if bearer else "")
        return AuthenticationRequired(
            401, "Authentication required.", headers={"WWW-Authenticate": challenge}
        )
    response = htmx_redirect(request, login_redirect_url(request))
    headers = {key: value for key, value in response.headers.items() if key != "content-length"}
    headers["Vary"] = VARY
    return AuthenticationRequired(response.status_code, headers=headers)


async def _request_identity(request: Request) -> Identity | None:
    """Resolve in the request's shared session (committed as the response starts).

    Outside the database middleware (a connection it does not serve), in a session of
    the request's own, committed here: the ``User`` is then detached from the route's.
    """
    shared = request_session(request.scope)
    if shared is not None:
        return await resolve_identity(request, shared)
    async with get_database(request.app).sessionmaker() as db, db.begin():
        return await resolve_identity(request, db)


async def optional_user(request: Request) -> Identity | None:
    """The request's Identity, or None when nobody (active) is authenticated."""
    return await _request_identity(request)


@requires_authentication
@declares_problems(401)
async def current_user(request: Request) -> Identity:
    """The request's Identity; a login redirect, ``HX-Redirect`` or 401 otherwise."""
    identity = await _request_identity(request)
    if identity is None:
        raise authentication_required(request)
    return identity


async def require_user(identity: Annotated[Identity, Depends(current_user)]) -> User:
    """Like :func:`current_user`, giving the :class:`User` itself."""
    return identity.user


CurrentIdentity = Annotated[Identity, Depends(current_user)]
"""Endpoint parameter type: the authenticated Identity (login required)."""

OptionalIdentity = Annotated[Identity | None, Depends(optional_user)]
"""Endpoint parameter type: the Identity, or None for anonymous requests."""

CurrentUser = Annotated[User, Depends(require_user)]
"""Endpoint parameter type: the authenticated User (login required)."""
