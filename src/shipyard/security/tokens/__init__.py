"""API tokens: JWT access tokens, rotating refresh-token families, the denylist, endpoints.

Owns signing keys and their rotation (:mod:`.keys`), access tokens (:mod:`.access`),
refresh tokens (:mod:`.refresh`, table ``shipyard_refresh_tokens``), the denylist of
revoked access tokens (:mod:`.denylist`: database or Redis), the lifecycle service
(:mod:`.service`), the bearer authenticator, the opt-in endpoints and
:class:`TokensExtension`. It does not own users or passwords (``shipyard.auth``) nor API
keys (``shipyard.security.apikeys``).
"""

from shipyard.security.tokens.access import AccessClaims, AccessTokenCodec, IssuedAccessToken
from shipyard.security.tokens.authenticator import jwt_authenticator
from shipyard.security.tokens.denylist import DatabaseDenylist, Denylist, RedisDenylist
from shipyard.security.tokens.errors import (
    InvalidAccessToken,
    InvalidRefreshToken,
    RefreshRace,
    RefreshTokenReused,
    RevokedAccessToken,
    TokenError,
)
from shipyard.security.tokens.extension import TokensExtension
from shipyard.security.tokens.keys import KeySet
from shipyard.security.tokens.models import RefreshToken, RevokedToken
from shipyard.security.tokens.service import (
    TokenPair,
    TokenService,
    get_token_service,
    revoke_user_tokens,
)

__all__ = [
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
    "TokensExtension",
    "get_token_service",
    "jwt_authenticator",
    "revoke_user_tokens",
]
