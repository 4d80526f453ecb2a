"""Safe redirect targets: where ``next`` may send a user after login.

Only a same-site path is accepted: it starts with one ``/``, has no scheme or host, no
backslash (browsers read ``/\\evil.com`` as ``//evil.com``) and no control characters
(``/\\t/evil.com`` loses its tab on the way). Anything else falls back to a default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from starlette.requests import HTTPConnection

from shipyard.auth.pages_config import ACCOUNT_PAGES

MAX_NEXT_LENGTH = 2048
DEFAULT_LOGIN_PATH = "/account/login"

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


def is_safe_next(value: str) -> bool:
    """True if ``value`` is a relative path on this site."""
    if not value or len(value) > MAX_NEXT_LENGTH:
        return False
    if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in value):
        return False
    if "\\" in value or not value.startswith("/") or value.startswith("//"):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` if it is a safe same-site path, else ``default``."""
    return value if value is not None and is_safe_next(value) else default


def login_url(app: AppBase) -> str:
    """The login page's path: ``auth.login_url``, the AuthExtension's, or the default."""
    configured = app.settings.auth.login_url
    pages = ACCOUNT_PAGES.find(app)
    return configured or (DEFAULT_LOGIN_PATH if pages is None else pages.login_url)


def requested_path(request: HTTPConnection) -> str:
    """The path (and query) the user was after; for htmx, the page they were on."""
    current = request.headers.get("hx-current-url")
    if current:
        parts = urlsplit(current)
        if parts.netloc == request.url.netloc:
            candidate = parts.path + (f"?{parts.query}" if parts.query else "")
            if is_safe_next(candidate):
                return candidate
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return path if is_safe_next(path) else "/"


def login_redirect_url(request: HTTPConnection) -> str:
    """The login page, with ``next`` pointing back at what the user asked for."""
    return f"{login_url(request.app)}?{urlencode({'next': requested_path(request)})}"
