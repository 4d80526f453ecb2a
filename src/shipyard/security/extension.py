"""The built-in ``security`` extension: sessions, CSRF, security headers and CORS wired in.

Middleware order, outermost first: security headers, CORS (only when origins are
configured), sessions, CSRF; so the CSRF check sees the session and every response,
rejections included, gets the headers. At start-up it opens the session backend chosen by
``sessions.backend`` (unless one was put in ``app.state.session_backend`` beforehand, as
tests do); neither backend connects before its first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware.cors import CORSMiddleware

from shipyard.db.extension import get_database
from shipyard.extension import Extension
from shipyard.security.backends import SessionBackend
from shipyard.security.csrf_middleware import CsrfMiddleware
from shipyard.security.database_backend import DatabaseSessionBackend
from shipyard.security.headers import SecurityHeadersMiddleware, relax_for_api_docs
from shipyard.security.redis_backend import RedisSessionBackend
from shipyard.security.session_middleware import SessionMiddleware
from shipyard.security.templating import register_security_globals

if TYPE_CHECKING:
    from shipyard.app import App


class SecurityExtension(Extension):
    """Installs the security middleware and template globals; owns the session backend."""

    name = "security"

    def __init__(self) -> None:
        self._owned: SessionBackend | None = None

    def setup(self, app: App) -> None:
        cors = app.settings.cors
        app.add_middleware(CsrfMiddleware)
        app.add_middleware(SessionMiddleware)
        if cors.allow_origins or cors.allow_origin_regex:
            app.add_middleware(
                CORSMiddleware,
                allow_origins=cors.allow_origins,
                allow_origin_regex=cors.allow_origin_regex,
                allow_methods=cors.allow_methods,
                allow_headers=cors.allow_headers,
                allow_credentials=cors.allow_credentials,
                expose_headers=cors.expose_headers,
                max_age=cors.max_age,
            )
        app.add_middleware(SecurityHeadersMiddleware)
        relax_for_api_docs(app)
        register_security_globals(app)

    async def startup(self, app: App) -> None:
        if getattr(app.state, "session_backend", None) is not None:
            return
        options = app.settings.sessions
        backend: SessionBackend
        if options.backend == "redis":
            backend = RedisSessionBackend.from_url(
                options.redis_url.get_secret_value(), options.redis_prefix
            )
        else:
            backend = DatabaseSessionBackend(get_database(app), create_table=options.create_table)
        app.state.session_backend = self._owned = backend

    async def shutdown(self, app: App) -> None:
        owned = self._owned
        if owned is None:
            return
        self._owned = None
        published = getattr(app.state, "session_backend", None)
        await owned.close()
        if published is owned:
            del app.state.session_backend
