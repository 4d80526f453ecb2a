"""API tokens: JWT access tokens, rotating refresh-token families, the denylist, endpoints.

Owns signing keys and their rotation (:mod:`.keys`), access tokens (:mod:`.access`),
refresh tokens (:mod:`.refresh`, table ``shipyard_refresh_tokens``), the denylist of
revoked access tokens (:mod:`.denylist`: database or Redis), the lifecycle service
(:mod:`.service`), the bearer authenticator, the opt-in endpoints and
:class:`TokensExtension`. It does not own users or passwords (``shipyard.auth``) nor API
keys (``shipyard.auth.apikeys``).
"""

from shipyard.auth.tokens.access import AccessClaims, AccessTokenCodec, IssuedAccessToken
from shipyard.auth.tokens.authenticator import jwt_authenticator
from shipyard.auth.tokens.denylist import DatabaseDenylist, Denylist, RedisDenylist
from shipyard.auth.tokens.errors import (
    InvalidAccessToken,
    InvalidRefreshToken,
    RefreshRace,
    RefreshTokenReused,
    RevokedAccessToken,
    TokenError,
)
from shipyard.auth.tokens.extension import TokensExtension
from shipyard.auth.tokens.keys import KeySet
from shipyard.auth.tokens.models import RefreshToken, RevokedToken
from shipyard.auth.tokens.service import (
    TOKENS,
    TokenPair,
    TokenService,
    TokenServiceDep,
    get_token_service,
    revoke_user_tokens,
)

__all__ = [
    "TOKENS",
    "AccessClaims",
    "AccessTokenCodec",
    "DatabaseDenylist",
    "Denylist",
    "InvalidAccessToken",
    "InvalidRefreshToken",
    "IssuedAccessToken",
    "KeySet",
    "RedisDenylist",
    "RefreshRace",
    "RefreshToken",
    "RefreshTokenReused",
    "RevokedAccessToken",
    "RevokedToken",
    "TokenError",
    "TokenPair",
    "TokenService",
    "TokenServiceDep",
    "TokensExtension",
    "get_token_service",
    "jwt_authenticator",
    "revoke_user_tokens",
]
