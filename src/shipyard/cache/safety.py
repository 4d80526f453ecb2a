"""What must never be served from a cache to another request: its CSP nonce, and what
was built from its session or credentials.

The security layer keeps the request's nonce in ``scope["state"]["csp_nonce"]`` (made on
first use by ``csp_nonce()``); the session layer notes a session use on the
:class:`~shipyard.sessions.session.Session` and credentials read from headers with
:func:`~shipyard.sessions.caching.mark_private`.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Scope

from shipyard.sessions.caching import private_headers
from shipyard.sessions.session import SCOPE_KEY as SESSION_KEY
from shipyard.sessions.session import Session

NONCE_STATE_KEY = "csp_nonce"
"""Where ``shipyard.security.headers`` keeps the request's nonce in ``scope["state"]``."""


def request_nonce(scope: Scope | dict[str, Any]) -> str | None:
    """The request's CSP nonce if something made one, else None."""
    state = scope.get("state")
    nonce = state.get(NONCE_STATE_KEY) if isinstance(state, dict) else None
    return nonce if isinstance(nonce, str) and nonce else None


def request_session(scope: Scope | dict[str, Any]) -> Session | None:
    """The request's session object, if the session layer put one in the scope."""
    session = scope.get(SESSION_KEY)
    return session if isinstance(session, Session) else None


def personal(scope: Scope) -> bool:
    """True when the response may depend on the session (even an empty one: an anonymous
    visitor's page must not reach a signed-in one) or on credentials."""
    session = request_session(scope)
    return bool(private_headers(scope)) or (session is not None and session.accessed)
