"""The pure-ASGI cache middleware: serves ``@cache`` routes from the cache, fills it on a miss.

It fills the ``cache`` middleware slot (innermost, after ``csrf``, just before routing),
so rate limits, host checks and security headers still apply to hits, while a hit skips
routing, dependencies and the endpoint. A ``GET``/``HEAD`` whose route (found in routing
order, as the CSRF check does) carries a :class:`~shipyard.cache.policy.CachePolicy` is
looked up by its key (:func:`request_key`). Other methods cost one comparison; a ``GET``
tests its path against the routes up to the last cached one (none in an app without
``@cache``).

On a miss the response is streamed to the client as usual and recorded; concurrent
misses of the same key in this process wait for that one response (one computation).
It is stored only when :func:`storable` says so: a cacheable status, no ``Set-Cookie``,
no ``Vary: *``, a body within ``cache.max_entry_bytes``, never the request's CSP nonce,
and unless the route varies on the user, not ``no-store``/``private`` and not built from
the session or credentials (which would serve one user's page to another). Hits carry
``Age`` and ``X-Cache: hit``, misses ``X-Cache: miss``; a hit whose stored response has
an ``ETag``/``Last-Modified`` answers a matching conditional request with ``304``. A
backend that fails (Redis down) is a logged warning and an uncached answer, never an
error page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.cache.client import Cache
from shipyard.cache.http import not_modified, not_modified_response, parse_http_date
from shipyard.cache.policy import CachePolicy, policy_of
from shipyard.cache.registry import CACHES
from shipyard.cache.safety import personal, request_nonce
from shipyard.cache.singleflight import SingleFlight
from shipyard.web.route_walk import CompiledRoutes, RoutePattern, WalkedRoute, route_path
from shipyard.web.viewer import VIEWERS, current_user, resolve_viewer

logger = logging.getLogger(__name__)

CACHEABLE_STATUSES = frozenset({200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501})
"""Statuses cacheable by default (RFC 9110 15.1)."""
_NOT_STORED = frozenset({b"content-length", b"date", b"set-cookie", b"x-cache", b"age"})


def _compile(walked: Iterator[WalkedRoute]) -> list[tuple[RoutePattern, CachePolicy | None]]:
    """Each route's pattern and policy. Routes sharing a path and method (API versions
    chosen while routing) keep a policy only when all of them have the same one: which of
    them a request reaches is not known before routing."""
    entries = [
        (RoutePattern.of(route), None if route.mount else policy_of(_endpoint(route)))
        for route in walked
    ]
    policies: dict[tuple[str, frozenset[str] | None], set[CachePolicy | None]] = {}
    for pattern, policy in entries:
        policies.setdefault((pattern.pattern.pattern, pattern.methods), set()).add(policy)
    compiled = [
        (
            pattern,
            policy if len(policies[(pattern.pattern.pattern, pattern.methods)]) == 1 else None,
        )
        for pattern, policy in entries
    ]
    last = max((n for n, (_pattern, policy) in enumerate(compiled) if policy), default=-1)
    return compiled[: last + 1]  # past the last cached route nothing needs testing


def _endpoint(route: WalkedRoute) -> object:
    return getattr(route.route, "endpoint", None)


def request_key(scope: Scope, policy: CachePolicy, user: str | None) -> str:
    """The cache key of a request under ``policy`` (``user``: the user id part)."""
    headers = Headers(scope=scope)
    query: bytes = scope.get("query_string", b"")
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True) if query else []
    if policy.query is not None:
        pairs = [pair for pair in pairs if pair[0] in policy.query]
    parts = [
        "GET",
        headers.get("host", ""),
        scope.get("root_path", ""),
        scope["path"],
        repr(sorted(pairs)),
        *(headers.get(name, "") for name in policy.headers),
        "" if user is None else f"user:{user}",
    ]
    return "route:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class Recorded:
    """One response as the route sent it."""

    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)
    too_large: bool = False
    complete: bool = False


def storable(recorded: Recorded, scope: Scope, policy: CachePolicy) -> bool:
    """Whether ``recorded`` may be stored and served to other requests (module docstring)."""
    if not recorded.complete or recorded.too_large or recorded.status not in CACHEABLE_STATUSES:
        return False
    headers = Headers(raw=recorded.headers)
    if "set-cookie" in headers or "*" in headers.get("vary", ""):
        return False
    text = request_nonce(scope)
    nonce = None if text is None else text.encode()
    if nonce is not None and (
        nonce in recorded.body or any(nonce in value for _name, value in recorded.headers)
    ):
        return False
    if policy.vary_on_user:
        return True
    directives = {part.strip().lower() for part in headers.get("cache-control", "").split(",")}
    return not directives & {"no-store", "private"} and not personal(scope)


def _entry_value(recorded: Recorded) -> dict[str, Any]:
    return {
        "status": recorded.status,
        "headers": [
            [name.decode("latin-1"), value.decode("latin-1")]
            for name, value in recorded.headers
            if name.lower() not in _NOT_STORED
        ],
        "body": bytes(recorded.body),
    }


class CacheMiddleware:
    """Pure ASGI: ``@cache`` routes answered from the app's caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.routes = CompiledRoutes(_compile)
        self.flight = SingleFlight()

    def _policy(self, scope: Scope) -> CachePolicy | None:
        router = scope["app"].router
        entries = self.routes.entries(router.routes)
        path = route_path(scope)
        for pattern, policy in entries:
            if pattern.covers("GET", path):
                return policy
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        policy = self._policy(scope)
        registry = CACHES.find(scope["app"]) if policy is not None else None
        if policy is None or registry is None:
            await self.app(scope, receive, send)
            return
        user: str | None = None
        if policy.vary_on_user:
            connection = HTTPConnection(scope)
            if VIEWERS.find(connection.app) is None:  # cannot tell users apart: never cache
                await self.app(scope, receive, send)
                return
            await resolve_viewer(connection)
            found = current_user(connection)
            user = "-" if found is None else str(getattr(found, "id", found))
        cache = registry.get(policy.backend)
        key = request_key(scope, policy, user)
        try:
            entry = await cache.get_entry(key, tags=policy.fixed_tags)
        except Exception:  # a failing cache is a miss, never an error page
            logger.warning("cache read failed; serving %s uncached", scope["path"], exc_info=True)
            await self.app(scope, receive, send)
            return
        if entry is not None:
            await _send_entry(scope, send, entry.value, entry.age)
            return
        limit = registry.settings.max_entry_bytes
        recorded, leader = await self.flight.run(
            key, lambda: self._fill(scope, receive, send, cache, key, policy, limit)
        )
        if leader:
            return
        if recorded is not None:
            await _send_entry(scope, send, recorded, 0)
        else:
            await self.app(scope, receive, send)

    async def _fill(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        cache: Cache,
        key: str,
        policy: CachePolicy,
        limit: int,
    ) -> dict[str, Any] | None:
        recorded = Recorded()

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                recorded.status = message["status"]
                recorded.headers = list(message.get("headers", []))
                message = {**message, "headers": [*recorded.headers, (b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body":
                if not recorded.too_large:
                    recorded.body += message.get("body", b"")
                    if len(recorded.body) > limit:
                        recorded.too_large = True
                        recorded.body.clear()
                recorded.complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, record)
        if not storable(recorded, scope, policy):
            return None
        value = _entry_value(recorded)
        tags = policy.tags_for(scope.get("path_params") or {})
        try:
            await cache.set(key, value, policy.ttl, tags=tags)
        except Exception:  # the response is already sent: keep serving
            logger.warning("cache write failed for %s", scope["path"], exc_info=True)
            return None
        return value


_VALIDATORS = frozenset({b"if-none-match", b"if-modified-since"})
"""Request headers that can make a stored ``200`` a ``304``."""


async def _send_entry(scope: Scope, send: Send, value: dict[str, Any], age: int) -> None:
    headers = [(name.encode("latin-1"), item.encode("latin-1")) for name, item in value["headers"]]
    conditional = value["status"] == 200 and any(
        name in _VALIDATORS for name, _ in scope["headers"]
    )
    if conditional and _not_modified(scope, headers):
        response = not_modified_response(Headers(raw=headers))
        response.headers["Age"] = str(age)
        response.headers["X-Cache"] = "hit"
        await response(scope, _no_receive, send)
        return
    body: bytes = value["body"]
    headers += [
        (b"content-length", str(len(body)).encode()),
        (b"age", str(age).encode()),
        (b"x-cache", b"hit"),
    ]
    await send({"type": "http.response.start", "status": value["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _not_modified(scope: Scope, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request's validators match the stored response's (``304``)."""
    stored = Headers(raw=headers)
    last_modified = stored.get("last-modified")
    moment = parse_http_date(last_modified) if last_modified else None
    return not_modified(Headers(scope=scope), stored.get("etag"), moment)


async def _no_receive() -> Message:  # pragma: no cover - a 304 never reads the body
    return {"type": "http.disconnect"}
