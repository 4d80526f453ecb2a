"""The built-in ``security`` extension: security headers, allowed hosts, CORS and CSRF.

It fills the ``security_headers``, ``hosts``, ``cors`` (only when origins are
configured) and ``csrf`` slots of the declared middleware order
(:mod:`shipyard.core.middleware`), so every response, rejections included, gets the
headers, no layer sees a request for a host the app does not serve, and the CSRF check
sees the session. It also gives templates ``csrf_field()``, ``csp_nonce()`` and the flash messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from starlette.middleware.cors import CORSMiddleware

from shipyard.core.checks import Finding
from shipyard.extension import Extension
from shipyard.security.csrf_middleware import CsrfMiddleware
from shipyard.security.headers import SecurityHeadersMiddleware
from shipyard.security.hosts_middleware import AllowedHostsMiddleware
from shipyard.security.templating import register_security_globals

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class SecurityExtension(Extension):
    """Installs the security middleware and template globals."""

    name = "security"

    def setup(self, app: AppBase) -> None:
        cors = app.settings.cors
        app.use_middleware("security_headers", SecurityHeadersMiddleware)
        app.use_middleware("hosts", AllowedHostsMiddleware)
        if cors.allow_origins or cors.allow_origin_regex:
            app.use_middleware(
                "cors",
                CORSMiddleware,
                allow_origins=cors.allow_origins,
                allow_origin_regex=cors.allow_origin_regex,
                allow_methods=cors.allow_methods,
                allow_headers=cors.allow_headers,
                allow_credentials=cors.allow_credentials,
                expose_headers=cors.expose_headers,
                max_age=cors.max_age,
            )
        app.use_middleware("csrf", CsrfMiddleware)
        register_security_globals(app)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        headers = app.settings.security
        if deploy and headers.enabled and headers.hsts is False:
            yield Finding(
                "security.W001",
                "warning",
                "security.hsts is false: browsers may reach the site over plain HTTP",
                "remove security.hsts (it defaults to on in production) once HTTPS works",
            )
