"""The pure-ASGI rate-limit middleware: the global per-IP limit and the response headers.

For each HTTP request (static files and ``ratelimit.exempt_paths`` excepted) it:

- counts a request that carries no credentials against ``ratelimit.ip`` keyed by client
  IP, answering 429 at once when it is over;
- defers a request that carries credentials (``Authorization``, ``X-API-Key`` or the
  session cookie) to the route, where :func:`~shipyard.security.ratelimit.dependency.
  global_limit` counts it per user once the identity is known (per IP if it is not);
  if no route took it (a 404, a mounted app) it is counted per IP when the response starts;
- adds ``RateLimit-Limit``/``-Remaining``/``-Reset`` for the tightest limit checked.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.config.models import Settings
from shipyard.security.ratelimit.keys import ip_key
from shipyard.security.ratelimit.limiter import Limiter
from shipyard.security.ratelimit.responses import too_many_requests
from shipyard.security.ratelimit.state import DEFERRED_KEY, record, recorded

GLOBAL_BUCKET = "global"
CREDENTIAL_HEADERS = ("authorization", "x-api-key")


def exempt(path: str, settings: Settings) -> bool:
    """True for static files and ``ratelimit.exempt_paths`` (exact, or prefix ending ``*``)."""
    static = settings.web.static_url
    if path == static or path.startswith(static + "/"):
        return True
    for pattern in settings.ratelimit.exempt_paths:
        if (pattern.endswith("*") and path.startswith(pattern[:-1])) or path == pattern:
            return True
    return False


def carries_credentials(headers: Headers, settings: Settings) -> bool:
    """True if the request may authenticate: a credential header or the session cookie."""
    if any(name in headers for name in CREDENTIAL_HEADERS):
        return True
    cookie = settings.sessions.cookie_name + "="
    return any(part.strip().startswith(cookie) for part in headers.get("cookie", "").split(";"))


class RateLimitMiddleware:
    """Applies the global limits and reports the ``RateLimit-*`` headers (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        shipyard_app = scope["app"]
        settings: Settings = shipyard_app.settings
        limiter = getattr(shipyard_app.state, "rate_limiter", None)
        options = settings.ratelimit
        if (
            not options.enabled
            or not isinstance(limiter, Limiter)
            or exempt(scope["path"], settings)
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if carries_credentials(request.headers, settings):
            scope.setdefault("state", {})[DEFERRED_KEY] = True
        elif options.ip is not None:
            decision = await limiter.hit(options.ip, GLOBAL_BUCKET, ip_key(request))
            record(scope, decision)
            if not decision.allowed:
                await too_many_requests(request, decision)(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._count_untaken(scope, limiter, request)
                decision = recorded(scope)
                if decision is not None and options.headers:
                    headers = MutableHeaders(scope=message)
                    for name, value in decision.headers().items():
                        if name not in headers and name != "Retry-After":
                            headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _count_untaken(scope: Scope, limiter: Limiter, request: Request) -> None:
        """Count a deferred request no route took (404s, mounts) against its IP."""
        state = scope.get("state") or {}
        limit = request.app.settings.ratelimit.ip
        if state.get(DEFERRED_KEY) and limit is not None:
            state[DEFERRED_KEY] = False
            record(scope, await limiter.hit(limit, GLOBAL_BUCKET, ip_key(request)))
