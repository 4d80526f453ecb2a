"""Provider tokens for the app's own calls to a provider's API, refreshed when due."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.oauth.client import refresh_tokens
from shipyard.auth.oauth.crypto import open_tokens, seal_tokens
from shipyard.auth.oauth.discovery import DIRECTORY
from shipyard.auth.oauth.models import LinkedIdentity
from shipyard.auth.oauth.providers import find_provider

REFRESH_MARGIN = 60
"""Seconds before expiry at which a token counts as expired already."""

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


async def provider_access_token(app: AppBase, db: AsyncSession, link: LinkedIdentity) -> str | None:
    """A current access token of ``link`` (refreshed and stored again when due), or None.

    None when no usable token is stored (the user signs in with the provider again).
    Raises :class:`~shipyard.auth.oauth.errors.OAuthFailure` when the provider refuses
    to refresh.
    """
    secret = app.settings.app.secret_key.get_secret_value()
    tokens = open_tokens(secret, link.tokens)
    access = tokens.get("access_token")
    expires_at = tokens.get("expires_at")
    due = isinstance(expires_at, int) and expires_at - REFRESH_MARGIN <= time.time()
    provider = find_provider(app, link.provider)
    if due and provider is not None and "refresh_token" in tokens:
        tokens = await refresh_tokens(DIRECTORY.get(app), provider, tokens)
        link.tokens = seal_tokens(secret, tokens)
        await db.flush()
        access = tokens.get("access_token")
    elif due:
        return None
    return access if isinstance(access, str) else None
