"""Who is subscribing, and may they: identity of a connection, Origin and channel checks.

An HTTP request or WebSocket is authenticated the way every request is (the login
session cookie, or a bearer token / API key header when those extensions are on), in a
short database transaction of its own, since a stream outlives any request transaction.
A WebSocket's ``Origin`` must be one of the site's own (``app.base_url``, the trusted
origins, or an allowed host's): a page on another site cannot open one with the user's
cookie (cross-site WebSocket hijacking). Clients that send no ``Origin`` are not
browsers, and do not hold the browser's cookie.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import HTTPConnection

from shipyard.auth.authenticators import resolve_identity
from shipyard.auth.identity import Identity
from shipyard.config.derived import PerSettings
from shipyard.core.problems import HTTPProblem
from shipyard.db.extension import get_database
from shipyard.db.request import request_session
from shipyard.realtime.channels import InvalidChannel, channel_rules, check_channel
from shipyard.security.origins import SiteOrigins

_HTTP_SCHEMES = {"ws": "http", "wss": "https"}
_SITE_ORIGINS = PerSettings(SiteOrigins.from_settings)


async def connection_identity(connection: HTTPConnection) -> Identity | None:
    """The authenticated identity of ``connection`` (None when anonymous)."""
    shared = request_session(connection.scope)
    if shared is not None:
        return await resolve_identity(connection, shared)
    async with get_database(connection.app).sessionmaker() as session, session.begin():
        return await resolve_identity(connection, session)


def origin_allowed(connection: HTTPConnection) -> bool:
    """True unless ``connection`` carries an ``Origin`` that is not the site's own."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    scope = dict(connection.scope)
    scope["scheme"] = _HTTP_SCHEMES.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
    return _SITE_ORIGINS(connection.app.settings).trusts(origin.lower(), scope, connection.headers)


async def refused_channels(
    connection: HTTPConnection, identity: Identity | None, channels: Sequence[str]
) -> list[str]:
    """The channels of ``channels`` that ``identity`` may not subscribe to."""
    rules = channel_rules(connection.app)
    return [channel for channel in channels if not await rules.permits(identity, channel)]


def valid_channels(channels: Sequence[str]) -> list[str]:
    """``channels`` checked: a 400 problem for none, too many or a malformed name."""
    if not channels:
        raise HTTPProblem(400, detail="name at least one channel (?channel=topic:news)")
    if len(channels) > 20:
        raise HTTPProblem(400, detail="at most 20 channels per stream")
    try:
        return [check_channel(channel) for channel in channels]
    except InvalidChannel as error:
        raise HTTPProblem(400, detail=error.message) from error


async def authorize(connection: HTTPConnection, channels: Sequence[str]) -> Identity | None:
    """The subscriber's identity; a 403 problem naming a channel it may not subscribe to."""
    identity = await connection_identity(connection)
    refused = await refused_channels(connection, identity, channels)
    if refused:
        status = 403 if identity is not None else 401
        raise HTTPProblem(status, detail=f"you may not subscribe to {refused[0]}")
    return identity
