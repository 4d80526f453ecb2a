"""Why a sign-in with a provider stopped: a message for the user and one for the log."""

from __future__ import annotations

from shipyard.errors import ShipyardError


class OAuthFailure(ShipyardError):
    """A sign-in that cannot go on; ``user_message`` is safe to show, ``reason`` is logged.

    ``status`` is the HTTP status of the friendly page (400: the request was wrong or
    stale; 502: the provider failed us).
    """

    def __init__(self, reason: str, user_message: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user_message = user_message
        self.status = status


START_AGAIN = "This sign-in link expired or was already used. Please start again."
PROVIDER_TROUBLE = "We could not complete the sign-in with {provider}. Please try again."
