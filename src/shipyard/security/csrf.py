"""CSRF tokens: a per-session secret, handed out BREACH-masked, checked in constant time.

The secret is ``HMAC-SHA256(app.secret_key, session id)``: bound to the session, known
without reading the session store, and replaced whenever the id rotates (login). Every
:func:`csrf_token` call returns a new masking of it (``mask + (mask XOR secret)``,
base64url), so no two renders carry the same bytes, and any of them validates for the same
session. The checking middleware is ``shipyard.security.csrf_middleware``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from markupsafe import Markup
from starlette.requests import HTTPConnection

from shipyard.sessions.session import get_session

SECRET_BYTES = 32
EXEMPT_ATTRIBUTE = "__shipyard_csrf_exempt__"
CSRF_STATE_KEY = "shipyard.csrf_secret"
"""Request state key: ``(session id, secret)``, so a page with many forms hashes once."""
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


def csrf_secret(secret_key: str, session_id: str) -> bytes:
    """The CSRF secret of one session."""
    message = b"shipyard.csrf:" + session_id.encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()


def mask_token(secret: bytes) -> str:
    """A fresh masked form of ``secret`` (different on every call)."""
    mask = secrets.token_bytes(SECRET_BYTES)
    masked = _xor(mask, secret)
    return base64.urlsafe_b64encode(mask + masked).rstrip(b"=").decode()


def _xor(left: bytes, right: bytes) -> bytes:
    """``left`` XOR ``right``, two strings of :data:`SECRET_BYTES` bytes."""
    value = int.from_bytes(left, "big") ^ int.from_bytes(right, "big")
    return value.to_bytes(SECRET_BYTES, "big")


def token_matches(token: str, secret: bytes) -> bool:
    """True if ``token`` is a masking of ``secret`` (constant-time comparison)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return False
    if len(raw) != 2 * SECRET_BYTES:
        return False
    mask, masked = raw[:SECRET_BYTES], raw[SECRET_BYTES:]
    unmasked = _xor(mask, masked)
    return hmac.compare_digest(unmasked, secret)


def _secret_key(request: HTTPConnection) -> str:
    return str(request.app.settings.app.secret_key.get_secret_value())


def csrf_token(request: HTTPConnection) -> str:
    """A masked CSRF token for this request's session (allocates a session id if needed).

    Reads no session data, so it never loads the store. The secret is computed once per
    request and session id (a login that rotates the id gets a new one).
    """
    session_id = get_session(request).id
    state: dict[str, Any] = request.scope.setdefault("state", {})
    cached = state.get(CSRF_STATE_KEY)
    if cached is None or cached[0] != session_id:
        cached = state[CSRF_STATE_KEY] = (
            session_id,
            csrf_secret(_secret_key(request), session_id),
        )
    return mask_token(cached[1])


def csrf_field(request: HTTPConnection) -> Markup:
    """A hidden ``<input>`` carrying :func:`csrf_token`, for HTML forms."""
    name = request.app.settings.csrf.field_name
    return Markup('<input type="hidden" name="{name}" value="{value}">').format(
        name=name, value=csrf_token(request)
    )


def csrf_exempt(endpoint: EndpointT) -> EndpointT:
    """Decorator: never CSRF-check this endpoint (webhooks and the like). Be sure."""
    setattr(endpoint, EXEMPT_ATTRIBUTE, True)
    return endpoint


def is_exempt(endpoint: object) -> bool:
    """True if ``endpoint`` was marked with :func:`csrf_exempt`."""
    return bool(getattr(endpoint, EXEMPT_ATTRIBUTE, False))
