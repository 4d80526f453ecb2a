"""ID token verification (OpenID Connect Core §3.1.3.7), with joserfc (Authlib's JOSE).

The signature must come from a key in the provider's JWKS under an asymmetric algorithm
the provider announces (``alg: none`` and HMAC are never accepted; an unknown key id
refetches the JWKS once, then fails). Then the claims: ``iss`` is the provider's issuer
(Microsoft's multi-tenant ``{tenantid}`` filled from ``tid``), ``aud`` holds our client id
(and ``azp`` names us when present or when there are several audiences), ``exp`` is in
the future, ``iat`` is neither in the future nor older than the sign-in may take, ``sub``
is present and ``nonce`` is the one this sign-in sent.
"""

from __future__ import annotations

import hmac
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from shipyard.auth.oauth.discovery import ProviderDirectory
from shipyard.auth.oauth.providers import Provider

LEEWAY = 60
"""Seconds of clock difference tolerated with the provider."""
ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class InvalidIdToken(Exception):
    """The ID token is not one we may trust; the message says why (for the log)."""


async def verify_id_token(
    directory: ProviderDirectory,
    provider: Provider,
    token: str,
    *,
    nonce: str,
    max_age: int,
) -> dict[str, Any]:
    """The claims of ``token`` once signature and claims check out, else InvalidIdToken.

    Times are compared with the directory's clock.
    """
    metadata = await directory.metadata(provider)
    try:
        header = extract_compact(token.encode()).headers()
    except (JoseError, ValueError) as exc:
        raise InvalidIdToken(f"not a compact JWS: {exc}") from exc
    algorithm = header.get("alg")
    allowed = _allowed_algorithms(metadata)
    if algorithm not in allowed:
        raise InvalidIdToken(f"alg {algorithm!r} is not one of {sorted(allowed)}")
    kid = header.get("kid")
    keys = await directory.keys(provider, kid if isinstance(kid, str) else None)
    try:
        claims = dict(jwt.decode(token, keys, algorithms=sorted(allowed)).claims)
    except (JoseError, ValueError) as exc:
        raise InvalidIdToken(f"signature not verified: {type(exc).__name__} {exc}") from exc
    _check_claims(claims, metadata["issuer"], provider.client_id, nonce, max_age, directory.now())
    return claims


def _allowed_algorithms(metadata: dict[str, Any]) -> frozenset[str]:
    announced = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    return frozenset(alg for alg in announced if alg in ASYMMETRIC)


def _check_claims(
    claims: dict[str, Any],
    issuer: str,
    client_id: str,
    nonce: str,
    max_age: int,
    moment: float,
) -> None:
    if "{tenantid}" in issuer:  # Microsoft's multi-tenant endpoints
        issuer = issuer.replace("{tenantid}", str(claims.get("tid", "")))
    if claims.get("iss") != issuer:
        raise InvalidIdToken(f"iss {claims.get('iss')!r} is not {issuer!r}")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        raise InvalidIdToken(f"aud {audience!r} does not name this client")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise InvalidIdToken(f"azp {azp!r} is not this client")
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or expires + LEEWAY <= moment:
        raise InvalidIdToken(f"expired or no exp ({expires!r})")
    if not isinstance(issued, int | float) or issued - LEEWAY > moment:
        raise InvalidIdToken(f"iat {issued!r} is missing or in the future")
    if issued + max_age + LEEWAY < moment:
        raise InvalidIdToken(f"iat {issued!r} is older than a sign-in may take")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise InvalidIdToken("no sub")
    sent = claims.get("nonce")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, nonce):
        raise InvalidIdToken("nonce does not match this sign-in's (replayed token?)")
