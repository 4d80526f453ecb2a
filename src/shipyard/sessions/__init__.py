"""Server-side sessions: the lazy session, its stores and the middleware that carries it.

Owns the :class:`Session` (loaded from the store only when used), the stores (database,
Redis) behind :class:`SessionBackend`, the signed-id cookie middleware and the
``sessions`` extension that opens the store. It does not own flash messages
(``shipyard.web.flash``), CSRF (``shipyard.security``) nor who is signed in
(``shipyard.auth``): it never imports them.
"""

from shipyard.sessions.backends import SessionBackend, SessionRecord
from shipyard.sessions.extension import SessionsExtension
from shipyard.sessions.middleware import (
    SESSION_BACKEND,
    SessionBackendDep,
    SessionMiddleware,
    get_session_backend,
)
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

__all__ = [
    "SESSION_BACKEND",
    "Session",
    "SessionBackend",
    "SessionBackendDep",
    "SessionDep",
    "SessionMiddleware",
    "SessionNotLoaded",
    "SessionRecord",
    "SessionTooLarge",
    "SessionsExtension",
    "clear_session",
    "get_session",
    "get_session_backend",
    "load_session",
    "rotate_session_id",
]
