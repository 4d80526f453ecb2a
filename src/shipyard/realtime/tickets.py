"""WebSocket tickets: a short-lived, single-use pass for a socket the browser opens.

A page signed in with a bearer token (a single-page app holding a JWT) cannot use it to
open a WebSocket: the browser's ``WebSocket`` API sends no ``Authorization`` header. It
asks for a ticket first, with any credential the app accepts, and opens the socket with
it::

    const { ticket } = await (await fetch("/realtime/ticket", {method: "POST", headers})).json()
    new WebSocket(`wss://${location.host}/realtime/ws?ticket=${ticket}`)

A ticket is signed with the app's secret key (itsdangerous, its own salt), lives
:data:`TICKET_SECONDS`, names the user, the session epoch (so "log out everywhere" voids
it) and the scopes of the credential that asked for it (a ticket never grants more), and
is accepted once: its nonce is counted in the app's cache, which on the Redis or database
backend every process shares. It opens a WebSocket and nothing else: the authenticator
ignores it on HTTP requests, where a token in the URL would end up in access logs and
``Referer`` headers.
"""

from __future__ import annotations

import secrets
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from shipyard.auth.identity import Identity
from shipyard.auth.users import load_user
from shipyard.cache.registry import get_cache
from shipyard.config.models import Settings

TICKET_SECONDS = 30
"""How long a ticket opens a socket after it was issued."""
TICKET_PARAMETER = "ticket"
_SALT = "shipyard.realtime.ws-ticket"


def _serializer(app: Starlette) -> URLSafeTimedSerializer:
    settings: Settings = app.settings  # type: ignore[attr-defined]
    return URLSafeTimedSerializer(settings.app.secret_key.get_secret_value(), salt=_SALT)


def issue_ticket(app: Starlette, identity: Identity) -> str:
    """A ticket opening one WebSocket as ``identity``, within :data:`TICKET_SECONDS`."""
    scopes = None if identity.scopes is None else sorted(identity.scopes)
    claims = {
        "u": identity.user.id,
        "e": identity.user.session_epoch,
        "s": scopes,
        "n": secrets.token_urlsafe(12),
    }
    return _serializer(app).dumps(claims)


def _claims(app: Starlette, ticket: str) -> dict[str, Any] | None:
    try:
        claims = _serializer(app).loads(ticket, max_age=TICKET_SECONDS)
    except BadData:  # forged, altered or expired
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("n"), str):
        return None
    if not isinstance(claims.get("u"), int) or not isinstance(claims.get("e"), int):
        return None
    scopes = claims.get("s")
    if scopes is not None and not isinstance(scopes, list):
        return None
    return claims


async def ticket_authenticator(connection: HTTPConnection, db: AsyncSession) -> Identity | None:
    """The identity a WebSocket handshake's ``?ticket=`` names (None: no or bad ticket)."""
    ticket = connection.query_params.get(TICKET_PARAMETER)
    if connection.scope["type"] != "websocket" or not ticket:
        return None
    claims = _claims(connection.app, ticket)
    if claims is None:
        return None
    uses = await get_cache(connection.app).incr(f"ws-ticket:{claims['n']}", 1, TICKET_SECONDS * 2)
    if uses != 1:  # replayed
        return None
    user = await load_user(db, connection.app, claims["u"])
    if user is None or user.session_epoch != claims["e"]:
        return None
    scopes = claims["s"]
    return Identity(
        user=user, method="ticket", scopes=None if scopes is None else frozenset(scopes)
    )


def ticket_refused(connection: HTTPConnection, identity: Identity | None) -> bool:
    """True when the handshake carries a ticket that did not authenticate it."""
    sent = bool(connection.query_params.get(TICKET_PARAMETER))
    return sent and (identity is None or identity.method != "ticket")
