"""ID token verification against the real provider's discovery document and JWKS.

The tokens are signed with the provider's own key (the fixture made it), so only the
claim or header under test is wrong.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from tests.oauth import oidc as oidc_server
from tests.oauth.oidc import OidcProvider

from shipyard.auth.oauth.discovery import ProviderDirectory
from shipyard.auth.oauth.idtoken import InvalidIdToken, verify_id_token
from shipyard.auth.oauth.providers import Provider
from shipyard.config.models import OAuthProviderSettings

NONCE = "the-nonce-of-this-sign-in"


def provider_of(oidc: OidcProvider) -> Provider:
    settings = OAuthProviderSettings(
        kind="oidc",
        client_id=oidc_server.CLIENT_ID,
        client_secret=oidc_server.CLIENT_SECRET,
        discovery_url=oidc.discovery_url,
    )
    return Provider("local", settings)


def claims(oidc: OidcProvider, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": oidc.issuer,
        "aud": oidc_server.CLIENT_ID,
        "sub": "ada",
        "iat": now,
        "exp": now + 600,
        "nonce": NONCE,
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def signed(
    oidc: OidcProvider,
    payload: dict[str, Any],
    key: Any = None,
    header: dict[str, Any] | None = None,
) -> str:
    return jwt.encode(
        header or {"alg": "RS256", "kid": oidc_server.KEY_ID}, payload, key or oidc.key
    )


def verify(
    oidc: OidcProvider, token: str, directory: ProviderDirectory | None = None, nonce: str = NONCE
) -> dict[str, Any]:
    directory = directory or ProviderDirectory(max_age=3600, timeout=5)
    return asyncio.run(
        verify_id_token(directory, provider_of(oidc), token, nonce=nonce, max_age=600)
    )


def test_a_genuine_token_verifies(oidc: OidcProvider) -> None:
    assert verify(oidc, signed(oidc, claims(oidc)))["sub"] == "ada"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"aud": "someone-else"}, "aud"),
        ({"aud": ["someone-else", oidc_server.CLIENT_ID]}, "azp"),
        ({"azp": "someone-else"}, "azp"),
        ({"iss": "https://evil.example"}, "iss"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"iat": int(time.time()) + 3600}, "iat"),
        ({"iat": int(time.time()) - 7200}, "older"),
        ({"iat": None}, "iat"),
        ({"sub": None}, "sub"),
        ({"nonce": "a-nonce-from-another-sign-in"}, "nonce"),
        ({"nonce": None}, "nonce"),
    ],
)
def test_bad_claims_are_refused(oidc: OidcProvider, change: dict[str, Any], why: str) -> None:
    with pytest.raises(InvalidIdToken, match=why):
        verify(oidc, signed(oidc, claims(oidc, **change)))


def test_several_audiences_are_fine_when_azp_names_us(oidc: OidcProvider) -> None:
    payload = claims(oidc, aud=["other", oidc_server.CLIENT_ID], azp=oidc_server.CLIENT_ID)
    assert verify(oidc, signed(oidc, payload))["sub"] == "ada"


def test_replayed_token_of_an_earlier_sign_in(oidc: OidcProvider) -> None:
    token = signed(oidc, claims(oidc))
    with pytest.raises(InvalidIdToken, match="nonce"):
        verify(oidc, token, nonce="the-nonce-of-the-next-sign-in")


def test_alg_none_is_refused(oidc: OidcProvider) -> None:
    import base64
    import json

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims(oidc))}."
    with pytest.raises(InvalidIdToken, match="alg 'none'"):
        verify(oidc, token)


def test_hmac_with_the_client_secret_is_refused(oidc: OidcProvider) -> None:
    key = OctKey.import_key(oidc_server.CLIENT_SECRET.encode() * 2)
    token = jwt.encode({"alg": "HS256"}, claims(oidc), key)
    with pytest.raises(InvalidIdToken, match="HS256"):
        verify(oidc, token)


def test_unknown_key_is_refused(oidc: OidcProvider) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    token = signed(oidc, claims(oidc), stranger, {"alg": "RS256", "kid": "stranger"})
    with pytest.raises(InvalidIdToken, match="signature"):
        verify(oidc, token)


def test_forged_signature_under_the_providers_key_id(oidc: OidcProvider) -> None:
    stranger = RSAKey.generate_key(2048)
    token = signed(oidc, claims(oidc), stranger)
    with pytest.raises(InvalidIdToken, match="signature"):
        verify(oidc, token)


def test_rotated_keys_are_fetched_again(oidc: OidcProvider) -> None:
    """A cached key set without the token's key id is refreshed from the JWKS."""
    directory = ProviderDirectory(max_age=3600, timeout=5)
    provider = provider_of(oidc)
    metadata = asyncio.run(directory.metadata(provider))
    old = RSAKey.generate_key(2048, parameters={"kid": "retired"})
    directory.remember(provider, metadata, KeySet([old]))
    assert verify(oidc, signed(oidc, claims(oidc)), directory)["sub"] == "ada"


def test_microsoft_multi_tenant_issuer_is_filled_from_tid() -> None:
    """Entra's ``common`` discovery names the issuer ``…/{tenantid}/v2.0``."""
    key = RSAKey.generate_key(2048, parameters={"kid": "entra"})
    settings = OAuthProviderSettings(kind="microsoft", client_id="app-id", client_secret="s")
    provider = Provider("microsoft", settings)
    template = "https://login.microsoftonline.com/{tenantid}/v2.0"
    directory = ProviderDirectory(max_age=3600, timeout=5)
    metadata = {"issuer": template, "id_token_signing_alg_values_supported": ["RS256"]}
    directory.remember(provider, metadata, KeySet([key]))
    now = int(time.time())
    tid = "9188040d-6c67-4c5b-b112-36a304b66dad"
    good = {
        "iss": template.format(tenantid=tid),
        "tid": tid,
        "aud": "app-id",
        "sub": "x",
        "iat": now,
        "exp": now + 600,
        "nonce": NONCE,
    }
    header = {"alg": "RS256", "kid": "entra"}

    def check(payload: dict[str, Any]) -> dict[str, Any]:
        token = jwt.encode(header, payload, key)
        return asyncio.run(verify_id_token(directory, provider, token, nonce=NONCE, max_age=600))

    assert check(good)["tid"] == tid
    with pytest.raises(InvalidIdToken, match="iss"):
        check({**good, "tid": "another-tenant"})
