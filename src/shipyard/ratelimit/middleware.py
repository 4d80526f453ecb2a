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

from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.config.derived import PerSettings
from shipyard.config.models import Settings
from shipyard.ratelimit.clientip import client_network
from shipyard.ratelimit.identity import credential_caller
from shipyard.ratelimit.limiter import Decision
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


@dataclass(frozen=True)
class GlobalLimits:
    """What the middleware applies, from one settings snapshot (None when limits are off)."""

    exemptions: Exemptions
    ip: str | None
    user: str | None
    trusted_proxies: tuple[str, ...]
    headers: bool

    @classmethod
    def of(cls, settings: Settings) -> GlobalLimits | None:
        options = settings.ratelimit
        if not options.enabled:
            return None
        return cls(
            Exemptions.of(settings),
            options.ip,
            options.user,
            tuple(options.trusted_proxies),
            options.headers,
        )


_limits = PerSettings(GlobalLimits.of)


def exempt(path: str, settings: Settings) -> bool:
    """True for static files, the health probes and ``ratelimit.exempt_paths``.

    ``exempt_paths`` holds exact paths or prefixes ending in ``*``.
    """
    limits = _limits(settings)
    return (limits.exemptions if limits is not None else Exemptions.of(settings)).covers(path)


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
        limits = _limits(shipyard_app.settings)
        if limits is None or limits.exemptions.covers(scope["path"]):
            await self.app(scope, receive, send)
            return
        limiter = LIMITER.find(shipyard_app)
        if limiter is None:
            await self.app(scope, receive, send)
            return
        user = await user_key(scope) if carries_credentials(scope) else session_user_key(scope)
        if user:
            limit, key = limits.user, user
        else:
            limit, key = limits.ip, "ip:" + client_network(scope, limits.trusted_proxies)
        if limit is not None:
            decision = await limiter.hit(limit, GLOBAL_BUCKET, key)
            record(scope, decision)
            if not decision.allowed:
                await too_many_requests(Request(scope), decision)(scope, receive, send)
                return
        if not limits.headers:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = recorded(scope)
                if decision is not None:
                    message["headers"] = with_decision(message.get("headers") or [], decision)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_decision(
    headers: Iterable[tuple[bytes, bytes]], decision: Decision
) -> list[tuple[bytes, bytes]]:
    """``headers`` plus the ``RateLimit-*`` headers of ``decision`` the response lacks."""
    own = list(headers)
    if not any(name[:10].lower() == b"ratelimit-" for name, _ in own):
        own += decision.raw_headers()  # the usual case: the route set none of its own
        return own
    present = {name.lower() for name, _ in own}
    own += (header for header in decision.raw_headers() if header[0] not in present)
    return own
