"""Why a token was refused: one exception family, each with a message safe to show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime


class TokenError(Exception):
    """A token was refused; ``str(error)`` says why without leaking anything secret."""


class InvalidAccessToken(TokenError):
    """An access token that is malformed, forged, expired, for another audience or issuer."""


class RevokedAccessToken(InvalidAccessToken):
    """A well-formed access token whose ``jti`` is on the denylist."""


class InvalidRefreshToken(TokenError):
    """A refresh token that is unknown, expired, or whose family was revoked."""


class RefreshTokenReused(InvalidRefreshToken):
    """A refresh token used a second time: its whole family has been revoked.

    The revocation was made in the caller's session: commit it even though this is raised.
    ``revocations`` are the ``(jti, expires_at)`` of the family's live access tokens.
    """

    def __init__(self, message: str, revocations: Sequence[tuple[str, datetime]] = ()) -> None:
        super().__init__(message)
        self.revocations = list(revocations)


class RefreshRace(InvalidRefreshToken):
    """The token was spent moments ago by a concurrent refresh (within the grace period)."""
