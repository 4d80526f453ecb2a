"""The OAuth2 protocol with a provider, through Authlib's ``AsyncOAuth2Client``.

:func:`authorization_url` builds where the browser goes (PKCE S256 always, a nonce for
OpenID Connect); :func:`fetch_profile` trades the code for tokens (with the PKCE
verifier) and says who signed in: from the verified ID token (plus the UserInfo endpoint
when the token carries no email) or, for GitHub, from ``/user`` and ``/user/emails``.
:func:`refresh_tokens` and :func:`revoke_tokens` keep stored tokens usable and end them.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.deprecate import AuthlibDeprecationWarning

from shipyard.auth.oauth.discovery import ProviderDirectory
from shipyard.auth.oauth.errors import PROVIDER_TROUBLE, OAuthFailure
from shipyard.auth.oauth.flow import PendingSignIn
from shipyard.auth.oauth.idtoken import InvalidIdToken, verify_id_token
from shipyard.auth.oauth.providers import Provider

with warnings.catch_warnings():  # Authlib would rather use its httpx2 fork; httpx is ours
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

GITHUB_JSON = "application/vnd.github+json"


@dataclass(frozen=True, slots=True)
class Profile:
    """Who signed in at the provider, and the tokens it gave us."""

    subject: str
    email: str | None
    email_verified: bool
    name: str
    tokens: dict[str, Any]


def _client(provider: Provider, redirect_uri: str | None, timeout: float) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=" ".join(provider.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post"
        if not provider.is_oidc
        else "client_secret_basic",
        timeout=timeout,
    )


def _trouble(provider: Provider, reason: str, status: int = 502) -> OAuthFailure:
    return OAuthFailure(
        f"{provider.name}: {reason}",
        PROVIDER_TROUBLE.format(provider=provider.label),
        status=status,
    )


async def authorization_url(
    directory: ProviderDirectory,
    provider: Provider,
    redirect_uri: str,
    state: str,
    pending: PendingSignIn,
) -> str:
    """The provider's authorization URL for this sign-in."""
    extra: dict[str, str] = dict(provider.settings.authorize_params)
    if provider.is_oidc:
        endpoint = (await directory.metadata(provider))["authorization_endpoint"]
        extra["nonce"] = pending.nonce
    else:
        endpoint = provider.github_authorize_url
    async with _client(provider, redirect_uri, directory.timeout) as client:
        url, _ = client.create_authorization_url(
            endpoint, state=state, code_verifier=pending.verifier, **extra
        )
    return str(url)


async def fetch_profile(
    directory: ProviderDirectory,
    provider: Provider,
    redirect_uri: str,
    code: str,
    pending: PendingSignIn,
    max_age: int,
) -> Profile:
    """Exchange ``code`` and identify the user; OAuthFailure when anything is off."""
    async with _client(provider, redirect_uri, directory.timeout) as client:
        endpoint = (
            (await directory.metadata(provider))["token_endpoint"]
            if provider.is_oidc
            else provider.github_token_url
        )
        try:
            token = dict(
                await client.fetch_token(endpoint, code=code, code_verifier=pending.verifier)
            )
        except (AuthlibBaseError, httpx.HTTPError, ValueError) as exc:
            raise _trouble(provider, f"token exchange refused: {exc}", status=400) from exc
        if provider.is_oidc:
            return await _oidc_profile(directory, provider, client, token, pending, max_age)
        return await _github_profile(provider, client, token)


async def _oidc_profile(
    directory: ProviderDirectory,
    provider: Provider,
    client: AsyncOAuth2Client,
    token: dict[str, Any],
    pending: PendingSignIn,
    max_age: int,
) -> Profile:
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise _trouble(provider, "token response has no id_token")
    try:
        claims = await verify_id_token(
            directory, provider, id_token, nonce=pending.nonce, max_age=max_age
        )
    except InvalidIdToken as exc:
        raise _trouble(provider, f"ID token rejected: {exc}", status=400) from exc
    userinfo_url = (await directory.metadata(provider)).get("userinfo_endpoint")
    if "email" not in claims and isinstance(userinfo_url, str):
        info = await _get_json(provider, client, userinfo_url)
        if info.get("sub") != claims["sub"]:
            raise _trouble(provider, "UserInfo answered for another subject")
        claims = {**info, **claims}
    email = claims.get("email")
    verified = claims.get("email_verified") in (True, "true")
    return Profile(
        subject=claims["sub"],
        email=email if isinstance(email, str) and email else None,
        email_verified=verified and isinstance(email, str),
        name=str(claims.get("name") or ""),
        tokens=_stored(token),
    )


async def _github_profile(
    provider: Provider, client: AsyncOAuth2Client, token: dict[str, Any]
) -> Profile:
    user = await _get_json(provider, client, f"{provider.github_api_url}/user")
    emails = await _get_json(provider, client, f"{provider.github_api_url}/user/emails")
    if not isinstance(user.get("id"), int):
        raise _trouble(provider, "GET /user has no numeric id")
    listed = emails.get("items")
    verified = [each for each in listed or () if isinstance(each, dict) and each.get("verified")]
    verified.sort(key=lambda each: not each.get("primary"))
    email = verified[0].get("email") if verified else user.get("email")
    return Profile(
        subject=str(user["id"]),
        email=email if isinstance(email, str) and email else None,
        email_verified=bool(verified),
        name=str(user.get("name") or user.get("login") or ""),
        tokens=_stored(token),
    )


async def _get_json(provider: Provider, client: AsyncOAuth2Client, url: str) -> dict[str, Any]:
    accept = GITHUB_JSON if not provider.is_oidc else "application/json"
    try:
        response = await client.get(url, headers={"Accept": accept})
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise _trouble(provider, f"GET {url} failed: {exc}") from exc
    if isinstance(document, list):  # /user/emails answers a JSON array
        return {"items": document}
    if not isinstance(document, dict):
        raise _trouble(provider, f"GET {url} did not answer JSON")
    return document


def _stored(token: dict[str, Any]) -> dict[str, Any]:
    """The parts of a token response worth keeping (no ID token: it was for this sign-in)."""
    kept = {key: token[key] for key in ("access_token", "refresh_token", "scope") if key in token}
    expires_in = token.get("expires_in")
    if isinstance(expires_in, int | float):
        kept["expires_at"] = int(time.time() + expires_in)
    elif isinstance(token.get("expires_at"), int | float):
        kept["expires_at"] = int(token["expires_at"])
    return kept


async def refresh_tokens(
    directory: ProviderDirectory, provider: Provider, tokens: dict[str, Any]
) -> dict[str, Any]:
    """``tokens`` refreshed with their refresh token; OAuthFailure when refused."""
    refresh = tokens.get("refresh_token")
    if not isinstance(refresh, str) or not provider.is_oidc:
        raise _trouble(provider, "no refresh token to refresh with", status=400)
    endpoint = (await directory.metadata(provider))["token_endpoint"]
    async with _client(provider, None, directory.timeout) as client:
        try:
            token = dict(await client.refresh_token(endpoint, refresh_token=refresh))
        except (AuthlibBaseError, httpx.HTTPError, ValueError) as exc:
            raise _trouble(provider, f"refresh refused: {exc}") from exc
    return {"refresh_token": refresh, **_stored(token)}


async def revoke_tokens(
    directory: ProviderDirectory, provider: Provider, tokens: dict[str, Any]
) -> None:
    """Ask the provider to end the grant (RFC 7009, or GitHub's grant deletion)."""
    token = tokens.get("refresh_token") or tokens.get("access_token")
    if not isinstance(token, str):
        return
    async with _client(provider, None, directory.timeout) as client:
        try:
            if provider.is_oidc:
                endpoint = (await directory.metadata(provider)).get("revocation_endpoint")
                if isinstance(endpoint, str):
                    response = await client.revoke_token(endpoint, token=token)
                    response.raise_for_status()
                return
            url = f"{provider.github_api_url}/applications/{provider.client_id}/grant"
            response = await client.request(
                "DELETE",
                url,
                json={"access_token": token},
                auth=httpx.BasicAuth(provider.client_id, provider.client_secret),
                headers={"Accept": GITHUB_JSON},
                withhold_token=True,
            )
            response.raise_for_status()
        except (AuthlibBaseError, httpx.HTTPError) as exc:
            raise _trouble(provider, f"revocation refused: {exc}") from exc
