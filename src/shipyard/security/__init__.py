"""Shipyard's web security: sessions, flash messages, CSRF, security headers and CORS.

Owns the lazy server-side session (database or Redis store, signed-id cookie), flash
messages, CSRF tokens and their checking middleware, the security headers (CSP nonce,
HSTS...) and the CORS wiring, all installed by :class:`SecurityExtension`. It does not own
users, login flows or API tokens (``shipyard.auth``), nor the error pages it answers with
(``shipyard.web.errors``).
"""

from shipyard.security.backends import SessionBackend, SessionRecord
from shipyard.security.csrf import csrf_exempt, csrf_field, csrf_token
from shipyard.security.flash import FlashMessage, flash, flash_oob, get_flashed_messages
from shipyard.security.headers import (
    csp_nonce,
    override_security_headers,
    security_headers,
)
from shipyard.security.sessions import (
    Session,
    SessionDep,
    SessionNotLoaded,
    SessionTooLarge,
    clear_session,
    get_session,
    load_session,
    rotate_session_id,
)

__all__ = [
    "FlashMessage",
    "Session",
    "SessionBackend",
    "SessionDep",
    "SessionNotLoaded",
    "SessionRecord",
    "SessionTooLarge",
    "clear_session",
    "csp_nonce",
    "csrf_exempt",
    "csrf_field",
    "csrf_token",
    "flash",
    "flash_oob",
    "get_flashed_messages",
    "get_session",
    "load_session",
    "override_security_headers",
    "rotate_session_id",
    "security_headers",
]
