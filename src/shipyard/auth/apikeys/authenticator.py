"""The API-key authenticator: the ``X-API-Key`` header (``tokens.api_keys.header_name``).

A valid, unexpired, unrevoked key of an active user gives an Identity with method
``api_key``, the key's scopes and its id as ``credential_id``; anything else gives None.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from shipyard.auth.apikeys.keys import check_api_key
from shipyard.auth.identity import Identity
from shipyard.auth.users import load_user


async def api_key_authenticator(request: HTTPConnection, session: AsyncSession) -> Identity | None:
    """An Identity for a live API key of an active user, else None."""
    options = request.app.settings.tokens.api_keys
    key = request.headers.get(options.header_name)
    if not key:
        return None
    record = await check_api_key(session, key.strip(), options)
    if record is None:
        return None
    user = await load_user(session, request.app, record.user_id)
    if user is None or not user.is_active:
        return None
    scopes = None if record.scopes is None else frozenset(record.scopes)
    return Identity(user=user, method="api_key", scopes=scopes, credential_id=str(record.id))
