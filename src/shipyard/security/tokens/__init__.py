"""Moved: JWT access and refresh tokens now live in :mod:`shipyard.auth.tokens`.

This path keeps old imports working.
"""

from shipyard.auth.tokens import (
    AccessClaims,
    AccessTokenCodec,
    DatabaseDenylist,
    Denylist,
    InvalidAccessToken,
    InvalidRefreshToken,
    IssuedAccessToken,
    KeySet,
    RedisDenylist,
    RefreshRace,
    RefreshToken,
    RefreshTokenReused,
    RevokedAccessToken,
    RevokedToken,
    TokenError,
    TokenPair,
    TokenService,
    TokensExtension,
    get_token_service,
    jwt_authenticator,
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
