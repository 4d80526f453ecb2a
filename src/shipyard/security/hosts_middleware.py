"""The pure-ASGI allowed-hosts check: a request for a host the app does not serve gets 400.

It fills the ``hosts`` slot of the middleware order, so it runs before sessions, limits,
CSRF and every handler: nothing the app builds from the request (redirects, pagination
links, the ``Location`` of a created resource) can point at a forged host. The answer is
the app's error page for browsers and problem JSON otherwise; a WebSocket is closed
(code 1008) before it is accepted. ``X-Forwarded-Host`` is never read: a proxy must pass
the original ``Host`` header on (see docs/sessions-and-security.md). The health probes and
the metrics path answer any host: probes and scrapers address the process by its IP.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from shipyard.config.derived import PerSettings
from shipyard.security.hosts import HostMatcher, host_header
from shipyard.web.errors import problem_response

logger = logging.getLogger("shipyard.security.hosts")

_LOGGED_HOST_CHARS = 200
WEBSOCKET_POLICY_VIOLATION = 1008


class AllowedHostsMiddleware:
    """Pure ASGI: refuses requests whose ``Host`` is not in the effective allowed hosts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.matchers = PerSettings(HostMatcher.from_settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = host_header(scope)
        matcher = self.matchers(scope["app"].settings)
        if matcher.allows(header) or (
            scope["type"] == "http" and scope["path"] in matcher.probe_paths
        ):
            await self.app(scope, receive, send)
            return
        logger.warning(
            "refused a request for host %r; if it is yours, add it to app.allowed_hosts",
            None if header is None else header[:_LOGGED_HOST_CHARS],
        )
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": WEBSOCKET_POLICY_VIOLATION})
            return
        response = problem_response(
            Request(scope, receive),
            400,
            "Unknown host",
            "This site does not answer to the host this request was sent to. If the "
            "host is yours, add it to app.allowed_hosts.",
        )
        await response(scope, receive, send)
