"""Provider tokens: sealed at rest under the app secret, handed out while still current."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.auth.support import AuthHarness
from tests.oauth.conftest import providers
from tests.oauth.driver import sign_in
from tests.oauth.github import FakeGitHub
from tests.oauth.oidc import OidcProvider

from shipyard.auth.oauth import LinkedIdentity, provider_access_token
from shipyard.auth.oauth.crypto import open_tokens, seal_tokens
from shipyard.config.models import OAuthProviderSettings


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


def test_refreshed_through_the_provider_when_expired(
    make_oauth: Callable[..., AuthHarness], oidc: OidcProvider, github: FakeGitHub
) -> None:
    """``offline_access`` with ``prompt=consent`` brings a refresh token; it is used."""
    offline = providers(oidc, github)["local"] | {
        "scopes": ["openid", "email", "offline_access"],
        "authorize_params": {"prompt": "consent"},
    }
    harness = make_oauth(oauth={"providers": {"local": offline}})
    assert sign_in(harness, "local", "offline").status_code == 303
    secret = harness.app.settings.app.secret_key.get_secret_value()

    async def expire_then_ask(db: AsyncSession) -> tuple[str, str | None]:
        link = (await db.scalars(select(LinkedIdentity))).one()
        tokens = open_tokens(secret, link.tokens)
        assert "refresh_token" in tokens
        link.tokens = seal_tokens(secret, {**tokens, "expires_at": int(time.time()) - 5})
        return tokens["access_token"], await provider_access_token(harness.app, db, link)

    before, after = harness.db(expire_then_ask)
    assert after is not None
    assert after != before
    assert harness.db(lambda db: _stored_access(db, secret)) == after


async def _stored_access(db: AsyncSession, secret: str) -> object:
    link = (await db.scalars(select(LinkedIdentity))).one()
    return open_tokens(secret, link.tokens).get("access_token")


def test_reserved_authorize_params_are_refused() -> None:
    with pytest.raises(ValidationError, match="state"):
        OAuthProviderSettings(
            kind="github", client_id="a", client_secret="b", authorize_params={"state": "x"}
        )


def test_unlink_revokes_the_token_at_the_openid_provider(
    oauth: AuthHarness, oidc: OidcProvider
) -> None:
    oauth.create_user("kay@example.com")
    oauth.log_in("kay@example.com")
    assert sign_in(oauth, "local", "kay-id", intent="link").status_code == 303
    secret = oauth.app.settings.app.secret_key.get_secret_value()
    access = oauth.db(lambda db: _stored_access(db, secret))
    userinfo = f"{oidc.issuer}/me"
    headers = {"Authorization": f"Bearer {access}"}
    assert httpx.get(userinfo, headers=headers).status_code == 200
    assert oauth.post_form("/auth/oauth/local/unlink", {}, csrf_from="/account/").is_redirect
    assert httpx.get(userinfo, headers=headers).status_code == 401
