"""Who is making a request: the :class:`Identity`, cached once resolved for the request.

Authenticators (:mod:`shipyard.auth.authenticators`) produce it; the result (None
included) is cached per request in ``request.state.identity``, where
:func:`resolved_identity` reads it without ever resolving one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.requests import HTTPConnection

from shipyard.auth.models import User

Method = Literal["session", "jwt", "api_key", "ticket"]
RESOLVED = "shipyard.auth.resolved"
"""The scope key set once the request's identity was resolved (None included)."""


@dataclass(frozen=True, slots=True)
class Identity:
    """An authenticated user and how they authenticated.

    ``scopes`` None means unrestricted (a login session); API keys and JWTs may restrict
    what the user's permissions allow. ``credential_id`` names the credential (a JWT's
    ``jti``, an API key's id) so it can be revoked.
    """

    user: User
    method: Method
    scopes: frozenset[str] | None = None
    credential_id: str | None = None


def resolved_identity(connection: HTTPConnection) -> Identity | None:
    """The Identity already resolved for this request, if any (never resolves one)."""
    state = connection.scope.get("state") or {}
    identity: Identity | None = state.get("identity")
    return identity


def forget_identity(request: HTTPConnection) -> None:
    """Drop the cached Identity (after login or logout within the same request)."""
    request.scope.pop(RESOLVED, None)
    request.state.identity = None
