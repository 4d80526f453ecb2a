"""The bearer-JWT authenticator: ``Authorization: Bearer <access token>`` -> Identity.

It verifies the token (pinned algorithm, ``kid``, signature, ``aud``, ``iss``, ``exp``),
consults the denylist, and loads the user; an inactive or missing user gives no Identity.
A missing, non-bearer or invalid header gives None (the next authenticator is tried); the
reason an invalid token was refused is left in ``request.state.token_error``.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from shipyard.auth.identity import Identity
from shipyard.auth.tokens.errors import InvalidAccessToken
from shipyard.auth.tokens.service import TOKENS
from shipyard.auth.users import load_user

_MAX_USER_ID_DIGITS = 18


def bearer_token(request: HTTPConnection) -> str | None:
    """The token of an ``Authorization: Bearer`` header, None if there is none."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _refuse(request: HTTPConnection, reason: str) -> Identity | None:
    request.state.token_error = reason
    return None


async def jwt_authenticator(request: HTTPConnection, session: AsyncSession) -> Identity | None:
    """An Identity (method ``jwt``) for a valid bearer access token of an active user."""
    token = bearer_token(request)
    service = TOKENS.find(request.app)
    if token is None or service is None:
        return None
    try:
        claims = await service.authenticate(session, token)
    except InvalidAccessToken as refused:
        return _refuse(request, str(refused))
    subject = claims.subject
    if not subject.isdigit() or len(subject) > _MAX_USER_ID_DIGITS:
        return _refuse(request, "token subject is not a user")
    user = await load_user(session, request.app, int(subject))
    if user is None or not user.is_active:
        return _refuse(request, "account disabled")
    return Identity(user=user, method="jwt", scopes=claims.scopes, credential_id=claims.jti)
