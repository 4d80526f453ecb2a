"""Shipyard's web hardening: CSRF, security headers (CSP nonce, HSTS...) and CORS.

Owns the CSRF tokens and their checking middleware, the security headers and the CORS
wiring, all installed by :class:`SecurityExtension`. It does not own the session
(``shipyard.sessions``, re-exported here for the names apps already import), flash
messages (``shipyard.web.flash``, likewise), users and credentials (``shipyard.auth``),
rate limits (``shipyard.ratelimit``) nor the error pages it answers with
(``shipyard.web.errors``). ``shipyard.security.tokens``, ``.apikeys`` and ``.ratelimit``
are the old homes of those packages, kept as re-exports.
"""

from shipyard.security.csrf import csrf_exempt, csrf_field, csrf_token
from shipyard.security.headers import (
    csp_nonce,
    override_security_headers,
    security_headers,
)
from shipyard.sessions.backends import SessionBackend, SessionRecord
from shipyard.sessions.session import (
    Session,
    SessionDep,
    SessionNotLoaded,
    SessionTooLarge,
    clear_session,
    get_session,
    load_session,
    rotate_session_id,
)
from shipyard.web.flash import FlashMessage, flash, flash_oob, get_flashed_messages

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
