"""The built-in ``security`` extension: security headers, allowed hosts, CORS and CSRF.

It fills the ``security_headers``, ``hosts``, ``cors`` (only when origins are
configured) and ``csrf`` slots of the declared middleware order
(:mod:`shipyard.core.middleware`), so every response, rejections included, gets the
headers, no layer sees a request for a host the app does not serve, and the CSRF check
sees the session. It also gives templates ``csrf_field()``, ``csp_nonce()`` and the flash messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from starlette.middleware.cors import CORSMiddleware

from shipyard.core.checks import Finding
from shipyard.extension import Extension
from shipyard.security.csrf_middleware import CsrfMiddleware
from shipyard.security.headers import SecurityHeadersMiddleware
from shipyard.security.hosts_middleware import AllowedHostsMiddleware
from shipyard.security.templating import register_security_globals

if TYPE_CHECKING:
    from shipyard.config.models import SecurityHeadersSettings
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
        if not deploy:
            return
        if not headers.enabled:
            yield Finding(
                "security.W003",
                "warning",
                "security.enabled is false: no CSP, HSTS, frame or referrer headers",
                "remove security.enabled = false (tune single headers instead)",
            )
            return
        if headers.hsts is False:
            yield Finding(
                "security.W001",
                "warning",
                "security.hsts is false: browsers may reach the site over plain HTTP",
                "remove security.hsts (it defaults to on in production) once HTTPS works",
            )
        yield from _csp_findings(headers)


UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*")
"""CSP sources that let injected scripts run; the strict preset uses nonces instead."""


def _csp_findings(headers: SecurityHeadersSettings) -> Iterator[Finding]:
    """The content security policy must stay strict in production (``security.W002``)."""
    scripts = headers.csp.get("script-src", headers.csp.get("default-src", "")).split()
    unsafe = [source for source in UNSAFE_SOURCES if source in scripts]
    if headers.csp_preset == "development" or unsafe:
        found = (
            f"script-src allows {', '.join(unsafe)}"
            if unsafe
            else 'security.csp_preset is "development"'
        )
        yield Finding(
            "security.W002",
            "warning",
            f"the content security policy is not strict: {found}, so an injected script runs",
            "remove security.csp_preset (strict in production) and the unsafe sources; load "
            "scripts from files or give inline ones the CSP nonce",
        )
