"""The pure-ASGI rate-limit middleware: the global per-IP limit and the response headers.

For each HTTP request (static files and ``ratelimit.exempt_paths`` excepted) it:

- resolves the caller of a request with an ``Authorization`` or ``X-API-Key`` header
  (through :mod:`shipyard.ratelimit.identity`: only such requests pay for it) and counts
  it against ``ratelimit.user`` per user;
- counts a request with a session cookie of a logged-in user against ``ratelimit.user``
  per user: login tags the session id with its user (the cookie is signed), so the
  store is not read;
- counts everything else against ``ratelimit.ip`` per client IP, answering 429 at once:
  credentials that authenticate nobody, and anonymous sessions, so collecting fresh
  cookies (a new one per page view, or per logout) never buys a fresh count;
- adds ``RateLimit-Limit``/``-Remaining``/``-Reset`` for the tightest limit checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.config.derived import PerSettings
from shipyard.config.models import Settings
from shipyard.ratelimit.clientip import client_network
from shipyard.ratelimit.identity import credential_caller
from shipyard.ratelimit.responses import too_many_requests
from shipyard.ratelimit.state import LIMITER, record, recorded
from shipyard.sessions.session import SCOPE_KEY as SESSION_SCOPE_KEY
from shipyard.web.static import FRAMEWORK_STATIC_URL

GLOBAL_BUCKET = "global"
CREDENTIAL_HEADERS = frozenset({b"authorization", b"x-api-key"})


@dataclass(frozen=True)
class Exemptions:
    """The paths no global limit counts, from one settings snapshot: exact paths and
    prefixes (static files, the health probes, ``ratelimit.exempt_paths``)."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, settings: Settings) -> Exemptions:
        health = settings.health
        exact = {health.up_path, health.ready_path} if health.enabled else set()
        prefixes: list[str] = []
        for static in (settings.web.static_url, FRAMEWORK_STATIC_URL):
            exact.add(static)
            prefixes.append(static + "/")
        for pattern in settings.ratelimit.exempt_paths:
            if pattern.endswith("*"):
                prefixes.append(pattern[:-1])
            else:
                exact.add(pattern)
        return cls(frozenset(exact), tuple(prefixes))

    def covers(self, path: str) -> bool:
        """True when ``path`` is exempt."""
        return path in self.exact or path.startswith(self.prefixes)


_exemptions = PerSettings(Exemptions.of)


def exempt(path: str, settings: Settings) -> bool:
    """True for static files, the health probes and ``ratelimit.exempt_paths``.

    ``exempt_paths`` holds exact paths or prefixes ending in ``*``.
    """
    return _exemptions(settings).covers(path)


def carries_credentials(scope: Scope) -> bool:
    """True if the request sends a credential header (a bearer token or an API key).

    ASGI servers give header names in lower case (Starlette's ``Headers`` relies on it too).
    """
    return any(name in CREDENTIAL_HEADERS for name, _ in scope["headers"])


async def user_key(scope: Scope) -> str | None:
    """The bucket of a signed-in caller: credentials, or a logged-in session; else None.

    ``user:<id>`` for credentials that authenticate a user; ``session-user:<tag>`` for a
    session whose (signed) id carries its user's owner tag, set at login: all of one
    user's browser sessions share it, and no store is read. Anonymous sessions have none.
    """
    if carries_credentials(scope):
        caller = await credential_caller(Request(scope))
        if caller is not None:
            return f"user:{caller.user_id}"
    return session_user_key(scope)


def session_user_key(scope: Scope) -> str | None:
    """``session-user:<tag>`` for a logged-in session's owner tag, else None (no await)."""
    owner = getattr(scope.get(SESSION_SCOPE_KEY), "owner", None)
    return f"session-user:{owner}" if isinstance(owner, str) else None


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
        limiter = LIMITER.find(shipyard_app)
        options = settings.ratelimit
        if not options.enabled or limiter is None or exempt(scope["path"], settings):
            await self.app(scope, receive, send)
            return
        user = await user_key(scope) if carries_credentials(scope) else session_user_key(scope)
        if user:
            limit, key = options.user, user
        else:
            limit, key = options.ip, "ip:" + client_network(scope, options.trusted_proxies)
        if limit is not None:
            decision = await limiter.hit(limit, GLOBAL_BUCKET, key)
            record(scope, decision)
            if not decision.allowed:
                await too_many_requests(Request(scope), decision)(scope, receive, send)
                return
        if not options.headers:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = recorded(scope)
                if decision is not None:
                    headers = message.get("headers") or []
                    present = {name.lower() for name, _ in headers}
                    message["headers"] = [
                        *headers,
                        *(h for h in decision.raw_headers() if h[0] not in present),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
