"""JWT access tokens: encoding with the current key, strict decoding with the pinned algorithm.

Claims: ``sub`` (the user id as a string), ``jti`` (random, for the denylist), ``aud``,
``iss``, ``iat``, ``exp`` and, when the token is restricted, ``scope`` (space-separated,
RFC 9068); the header carries ``kid``. Decoding accepts exactly ``tokens.algorithm`` (so
``alg: none`` and algorithm-confusion tokens fail), looks the key up by ``kid`` (a token
signed by a removed key fails), and requires every claim above. It does not consult the
denylist: :class:`~shipyard.auth.tokens.service.TokenService` does.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from shipyard.auth.scopes import format_scopes
from shipyard.auth.tokens.errors import InvalidAccessToken
from shipyard.auth.tokens.keys import KeySet
from shipyard.config.models import TokenSettings
from shipyard.core.clock import utc_now

MAX_TOKEN_LENGTH = 8192
"""Longer bearer tokens are refused before any parsing."""

REQUIRED_CLAIMS = ("sub", "jti", "aud", "iss", "iat", "exp")

VERIFIED_MEMO = 4096
"""How many verified tokens a codec remembers (oldest forgotten first)."""


@dataclass(frozen=True)
class IssuedAccessToken:
    """A freshly signed access token and what the issuer needs to remember about it."""

    token: str
    jti: str
    expires_at: datetime


@dataclass(frozen=True)
class AccessClaims:
    """The verified claims of an access token."""

    subject: str
    jti: str
    issued_at: datetime
    expires_at: datetime
    scopes: frozenset[str] | None
    kid: str
    claims: Mapping[str, Any]


class AccessTokenCodec:
    """Signs and verifies access tokens for one :class:`KeySet` and one settings section."""

    def __init__(self, keys: KeySet, settings: TokenSettings) -> None:
        self.keys = keys
        self.settings = settings
        self._verified: dict[str, tuple[AccessClaims, object]] = {}

    def encode(
        self,
        subject: str | int,
        *,
        scopes: Iterable[str] | None = None,
        now: datetime | None = None,
        ttl: timedelta | None = None,
    ) -> IssuedAccessToken:
        """A signed token for ``subject``; ``scopes=None`` means unrestricted."""
        issued = (now or utc_now()).astimezone(UTC)
        expires = issued + (ttl or timedelta(seconds=self.settings.access_ttl))
        jti = secrets.token_urlsafe(16)
        payload: dict[str, Any] = {
            "sub": str(subject),
            "jti": jti,
            "aud": self.settings.audience,
            "iss": self.settings.issuer,
            "iat": issued,
            "exp": expires,
        }
        if scopes is not None:
            payload["scope"] = format_scopes(scopes)
        current = self.keys.current
        if current.signing is None:  # KeySet.from_settings never builds such a key set
            raise RuntimeError(f"the current signing key {current.kid!r} cannot sign")
        token = jwt.encode(
            payload, current.signing, algorithm=self.keys.algorithm, headers={"kid": current.kid}
        )
        return IssuedAccessToken(token, jti, expires.replace(microsecond=0))

    def decode(self, token: str) -> AccessClaims:
        """The verified claims; :class:`InvalidAccessToken` says why a token is refused.

        A token verified before is not parsed and verified again while it has not
        expired and the very key that verified it is still in the key set (a bounded
        memo of :data:`VERIFIED_MEMO` tokens): its signature and claims cannot have
        changed. Revocation is not the codec's business: the denylist is consulted on
        every request.
        """
        known = self._verified.get(token)
        if known is not None and self._still_valid(*known):
            return known[0]
        claims = self._verify(token)
        verified = self._verified
        if len(verified) >= VERIFIED_MEMO:
            del verified[next(iter(verified))]
        verified[token] = (claims, self.keys.verifying_key(claims.kid))
        return claims

    def _still_valid(self, claims: AccessClaims, key: object) -> bool:
        """Unexpired (with the leeway, on PyJWT's clock), its very key still in the set."""
        now = datetime.now(UTC).timestamp()
        return (
            claims.expires_at.timestamp() > now - self.settings.leeway
            and self.keys.verifying_key(claims.kid) is key
        )

    def _verify(self, token: str) -> AccessClaims:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidAccessToken("token too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken("malformed token") from exc
        if header.get("alg") != self.keys.algorithm:
            raise InvalidAccessToken("token algorithm not allowed")
        kid = header.get("kid")
        key = self.keys.verifying_key(kid)
        if key is None:
            raise InvalidAccessToken("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.keys.algorithm],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidAccessToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken(f"invalid token: {exc}") from exc
        return _claims(claims, str(kid))


def _claims(claims: dict[str, Any], kid: str) -> AccessClaims:
    subject, jti, scope = claims.get("sub"), claims.get("jti"), claims.get("scope")
    if not isinstance(subject, str) or not isinstance(jti, str) or not jti:
        raise InvalidAccessToken("invalid token: sub and jti must be strings")
    if scope is not None and not isinstance(scope, str):
        raise InvalidAccessToken("invalid token: scope must be a string")
    return AccessClaims(
        subject=subject,
        jti=jti,
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        scopes=None if scope is None else frozenset(scope.split()),
        kid=kid,
        claims=claims,
    )
