"""Provider tokens: sealed at rest under the app secret, handed out while still current."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.auth.support import AuthHarness
from tests.oauth.driver import sign_in

from shipyard.auth.oauth import LinkedIdentity, provider_access_token
from shipyard.auth.oauth.crypto import open_tokens, seal_tokens


def test_tokens_are_sealed_and_only_open_with_the_same_secret() -> None:
    sealed = seal_tokens("secret one", {"access_token": "gho_abc"})
    assert "gho_abc" not in sealed
    assert open_tokens("secret one", sealed) == {"access_token": "gho_abc"}
    assert open_tokens("secret two", sealed) == {}
    assert open_tokens("secret one", sealed[:-4] + "AAAA") == {}
    assert open_tokens("secret one", None) == {}


def test_the_stored_access_token_works_at_the_provider(oauth: AuthHarness) -> None:
    assert sign_in(oauth, "github", "api-user").status_code == 303

    async def token(db: AsyncSession) -> str | None:
        link = (await db.scalars(select(LinkedIdentity))).one()
        return await provider_access_token(oauth.app, db, link)

    access = oauth.db(token)
    assert access is not None
    assert access.startswith("gho_")


def test_an_expired_token_without_refresh_token_is_none(oauth: AuthHarness) -> None:
    sign_in(oauth, "local", "expired")
    secret = oauth.app.settings.app.secret_key.get_secret_value()

    async def expire_then_ask(db: AsyncSession) -> str | None:
        link = (await db.scalars(select(LinkedIdentity))).one()
        tokens = open_tokens(secret, link.tokens)
        assert "access_token" in tokens
        tokens.pop("refresh_token", None)
        link.tokens = seal_tokens(secret, {**tokens, "expires_at": int(time.time()) - 5})
        return await provider_access_token(oauth.app, db, link)

    assert oauth.db(expire_then_ask) is None
