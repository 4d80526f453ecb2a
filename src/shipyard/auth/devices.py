"""Browsers an account has logged in from, so a login from a new one is mailed to its owner.

A long-lived cookie (``shipyard_devices``) holds one short tag per account that logged in
with this browser (the newest :data:`MAX_TAGS`). A tag is an HMAC of the user id under the
app's secret key: it names no account to whoever reads the cookie and cannot be made for
another account. A password login whose account has no tag in the cookie is from a new
browser: the owner gets a :class:`~shipyard.auth.mails.NewSignIn` mail (unless
``auth.new_sign_in_mail`` is off) and the tag is added. Clearing cookies makes a browser
new again, which errs on the side of telling the owner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from starlette.requests import Request
from starlette.responses import Response

from shipyard.auth.models import User
from shipyard.config.models import Settings

COOKIE = "shipyard_devices"
MAX_TAGS = 10
MAX_AGE = 400 * 24 * 3600
"""The longest lifetime browsers keep a cookie (RFC 6265bis caps it at 400 days)."""
_TAG = re.compile(r"[A-Za-z0-9_-]{16}")


def device_tag(settings: Settings, user_id: int) -> str:
    """The cookie's tag for ``user_id`` (16 base64url characters)."""
    key = settings.app.secret_key.get_secret_value().encode()
    digest = hmac.new(key, f"shipyard.device:{user_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def _known(request: Request) -> list[str]:
    value = request.cookies.get(COOKIE, "")
    return [tag for tag in value.split(".") if _TAG.fullmatch(tag)][-MAX_TAGS:]


def is_known_browser(request: Request, user: User) -> bool:
    """Whether ``user`` logged in with this browser before."""
    tag = device_tag(request.app.settings, user.id)
    return any(hmac.compare_digest(tag, known) for known in _known(request))


def remember_browser(request: Request, response: Response, user: User) -> None:
    """Add ``user``'s tag to the browser's cookie on ``response``."""
    settings: Settings = request.app.settings
    tag = device_tag(settings, user.id)
    tags = [known for known in _known(request) if known != tag] + [tag]
    secure = settings.sessions.secure
    response.set_cookie(
        COOKIE,
        ".".join(tags[-MAX_TAGS:]),
        max_age=MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.is_production if secure is None else secure,
    )
