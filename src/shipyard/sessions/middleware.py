"""The pure-ASGI session middleware: signed id cookie in, lazy session, save on the way out.

Per request it puts a :class:`~shipyard.sessions.session.Session` in
``scope["shipyard.session"]``. The cookie is verified (:mod:`.signing`, with the app's
secret key; a forged, tampered or expired cookie just means a new empty session) only when
something first asks for the session or its id: a request that never does pays nothing.
When the response starts it writes what changed, before the response goes out: stale ids
are deleted, a modified session is saved in one upsert (unless its data is what the store
already holds) or deleted once empty, a loaded session whose expiry is due for renewal is
touched, and the cookie is (re)set only when its id is new or its lifetime moved. A
response that depends on the session or on credentials gets ``Cache-Control``/``Vary``
(:mod:`.caching`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends
from starlette.applications import Starlette
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.config.derived import PerSettings
from shipyard.core.clock import utc_now
from shipyard.core.services import Service
from shipyard.sessions.backends import SessionBackend
from shipyard.sessions.caching import mark_response, private_headers
from shipyard.sessions.session import OWNER_PATTERN, OWNER_SEPARATOR, SCOPE_KEY, Session
from shipyard.sessions.signing import CookieSigner

if TYPE_CHECKING:
    from shipyard.config.models import Settings

SALT = "shipyard.session"
"""The signature's salt (its key is derived from the app's secret key and this)."""
SESSION_ID = re.compile(rf"(?:{OWNER_PATTERN}{OWNER_SEPARATOR})?[A-Za-z0-9_-]{{43}}")

SESSION_BACKEND = Service(
    "session_backend",
    SessionBackend,  # type: ignore[type-abstract]  # a runtime-checkable protocol
    "session store",
    started_by="the sessions extension",
)
"""The app's session store."""


class SessionCookie:
    """Reads and writes the session cookie for one settings snapshot."""

    def __init__(self, settings: Settings) -> None:
        options = settings.sessions
        self.name = options.cookie_name
        self.max_age = options.max_age
        self.signer = CookieSigner(settings.app.secret_key.get_secret_value(), SALT)
        secure = options.secure if options.secure is not None else settings.is_production
        attributes = ["Path=/", "HttpOnly", f"SameSite={options.same_site.capitalize()}"]
        if secure:
            attributes.append("Secure")
        if options.domain:
            attributes.append(f"Domain={options.domain}")
        self.attributes = "; ".join(attributes)

    def read(self, scope: Scope) -> str | None:
        """The verified session id from the request's cookie, or None."""
        for key, value in scope["headers"]:
            if key == b"cookie":
                raw = cookie_parser(value.decode("latin-1")).get(self.name)
                return self.verify(raw) if raw else None
        return None

    def verify(self, raw: str) -> str | None:
        """The id inside a signed cookie value, or None if it is not one we issued."""
        session_id = self.signer.unsign(raw, self.max_age)
        return session_id if session_id is not None and SESSION_ID.fullmatch(session_id) else None

    def set_header(
        self, session_id: str, max_age: int | None = None, *, persistent: bool = True
    ) -> tuple[bytes, bytes]:
        """A ``Set-Cookie`` header carrying the signed ``session_id``.

        ``persistent=False`` leaves out ``Max-Age``: the browser drops it when it closes.
        """
        value = self.signer.sign(session_id)
        lifetime = f"Max-Age={max_age or self.max_age}; " if persistent else ""
        return _set_cookie(f"{self.name}={value}; {lifetime}{self.attributes}")

    def delete_header(self) -> tuple[bytes, bytes]:
        """A ``Set-Cookie`` header that removes the cookie."""
        return _set_cookie(f'{self.name}=""; Max-Age=0; {self.attributes}')


def _set_cookie(value: str) -> tuple[bytes, bytes]:
    return (b"set-cookie", value.encode("latin-1"))


def get_session_backend(app: Starlette) -> SessionBackend:
    """The started app's session store."""
    return SESSION_BACKEND.get(app)


class SessionMiddleware:
    """Pure ASGI: a lazy session in the scope, committed when the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cookie_for = PerSettings(SessionCookie)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        settings: Settings = app.settings
        cookie = self.cookie_for(settings)
        session = Session(
            lambda: get_session_backend(app),
            lambda: cookie.read(scope),
            max_age=settings.sessions.max_age,
            touch_interval=settings.sessions.touch_interval,
        )
        scope[SCOPE_KEY] = session
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                keep_private(message, scope, session, settings.sessions.private_cache_control)
                if not session.untouched:
                    header = await commit(
                        session, lambda: get_session_backend(app), cookie, settings
                    )
                    if header is not None:
                        message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def keep_private(
    message: Message, scope: Scope, session: Session, cache_control: str | None
) -> None:
    """Keep a response that depends on the session or credentials out of caches.

    See :mod:`shipyard.sessions.caching`; ``cache_control`` None leaves every response alone.
    """
    credentials = private_headers(scope)
    if cache_control is None or not (session.accessed or credentials):
        return
    private = session.private or bool(credentials)
    vary = ["Cookie"] if session.accessed else []
    mark_response(message, cache_control if private else None, [*vary, *credentials])


async def commit(
    session: Session,
    backend: Callable[[], SessionBackend],
    cookie: SessionCookie,
    settings: Settings,
) -> tuple[bytes, bytes] | None:
    """Write the session's changes to the store; the ``Set-Cookie`` header to send, if any.

    ``backend`` is only called when there is something to write.
    """
    for stale in session.stale_ids:
        await backend().delete(stale)
    has_data = session.loaded and len(session) > 0
    session_id = session.id if session.modified and has_data else session.current_id
    if session_id is None:
        return cookie.delete_header() if session.cleared else None
    max_age = session.max_age if session.loaded else settings.sessions.max_age
    expires_at = utc_now() + timedelta(seconds=max_age)
    renewed = False
    payload = (
        session.serialize(settings.sessions.max_size) if session.modified and has_data else None
    )
    if payload is not None and not session.unchanged(payload):
        await backend().save(session_id, payload, expires_at)
        renewed = True
    elif session.modified and not has_data and session.stored:
        await backend().delete(session_id)
    elif session.needs_touch and session.stored:
        await backend().touch(session_id, expires_at)
        renewed = True
    if renewed or session.needs_cookie:
        persistent = session.persistent if session.loaded else True
        return cookie.set_header(session_id, max_age, persistent=persistent)
    return None


SessionBackendDep = Annotated[SessionBackend, Depends(SESSION_BACKEND.dependency)]
"""The session store of the app serving the request, as a dependency."""
