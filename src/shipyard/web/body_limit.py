"""The request body-size limit: every content type, enforced while the body streams in.

A pure ASGI middleware in the ``body_limit`` slot, outside the sessions, the rate limit,
the CSRF check and any parsing. A request whose ``Content-Length`` is over the limit is
answered 413 at once, its body never read; any other body is counted as it arrives
(chunked uploads, a ``Content-Length`` that lies), and at the first byte over the limit
the app gets ``http.disconnect`` instead of the chunk and the client a 413, unless the
app's response has already started. The 413 is a ``payload-too-large`` problem (the
error page for browsers) and closes the connection. WebSockets and HTTP/1 requests with
neither ``Content-Length`` nor ``Transfer-Encoding`` (no body: most GETs) pass untouched.

The limit is the route's own ``max_body_size`` (FastAPI's parameter of path operations,
``APIRouter`` and ``include_router``, or Starlette's ``Route``/``Mount``), else the app's
(``FastAPI(max_body_size=...)``), else ``web.max_body_size``. The routes that set one are
compiled once into a path table (:mod:`shipyard.web.route_walk`), looked up only for
requests with a body; most apps have none, and pay one empty loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.web.errors import problem_response
from shipyard.web.route_walk import CompiledRoutes, RoutePattern, WalkedRoute, route_path

_BODILESS_WHEN_UNFRAMED = frozenset({"1.0", "1.1"})
_MAX_DIGITS = 15
"""Longer ``Content-Length`` values are over any limit (and not worth converting)."""


def declared_limit(route: WalkedRoute) -> int | None:
    """The ``max_body_size`` a route (or mount) declares, None when it declares none."""
    limit = getattr(route.resolved, "max_body_size", None)
    if isinstance(limit, int):
        return limit
    app = getattr(route.resolved, "app", None)
    return app.max_body_size if isinstance(app, RequestBodyLimitMiddleware) else None


def _limited(walked: Iterable[WalkedRoute]) -> Iterator[tuple[RoutePattern, int]]:
    for route in walked:
        limit = declared_limit(route)
        if limit is not None:
            yield RoutePattern.of(route), limit


class RouteBodyLimits:
    """The body-size limit of each request, from the routes' own limits and the settings."""

    def __init__(self) -> None:
        self._compiled = CompiledRoutes(_limited)

    def limit_for(self, app: Any, method: str, path: str) -> int:
        """The limit of a ``method path`` request to ``app``, in bytes."""
        for pattern, limit in self._compiled.entries(app.router.routes):
            if pattern.covers(method, path):
                return limit
        own: int | None = getattr(app.router, "max_body_size", None)
        return own if own is not None else int(app.settings.web.max_body_size)


async def _answer(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    """A problem response that closes the connection (the body is left unread)."""
    title = "Content too large" if status == 413 else "Invalid Content-Length"
    response = problem_response(Request(scope), status, title, detail)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


async def refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Answer 413 ``payload-too-large`` for a body over ``limit`` bytes."""
    detail = (
        f"The request body is over this endpoint's limit of {limit} bytes. Send less; an "
        "upload route raises its limit with max_body_size= (web.max_body_size for all)."
    )
    await _answer(scope, receive, send, 413, detail)


class LimitedBody:
    """One request's ``receive`` and ``send``, cut off at ``limit`` body bytes."""

    __slots__ = (
        "_receive",
        "_send",
        "exceeded",
        "limit",
        "received",
        "refused",
        "scope",
        "started",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        self.scope = scope
        self._receive = receive
        self._send = send
        self.limit = limit
        self.received = 0
        self.started = False
        self.exceeded = False
        self.refused = False

    async def receive(self) -> Message:
        """The next body chunk, or ``http.disconnect`` from the first byte over the limit."""
        if self.exceeded:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.exceeded = True
                if not self.started:
                    self.refused = True
                    await refuse(self.scope, self._receive, self._send, self.limit)
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        """The app's response, dropped once the 413 has gone out in its place."""
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


def _framing(headers: Iterable[tuple[bytes, bytes]]) -> tuple[bytes | None, bool]:
    """The ``Content-Length`` value, and whether ``Transfer-Encoding`` was sent."""
    length: bytes | None = None
    chunked = False
    for name, value in headers:
        if name == b"content-length":
            length = value.strip()
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


class BodyLimitMiddleware:
    """Pure ASGI: refuses request bodies over the limit, before anything reads them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.limits = RouteBodyLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, chunked = _framing(scope["headers"])
        if length is None and not chunked and scope.get("http_version") in _BODILESS_WHEN_UNFRAMED:
            await self.app(scope, receive, send)
            return
        limit = self.limits.limit_for(scope["app"], scope["method"], route_path(scope))
        if length is not None:
            if not length.isdigit():
                shown = length[:40].decode("latin-1")
                detail = f"Content-Length must be a number of bytes, not {shown!r}."
                await _answer(scope, receive, send, 400, detail)
                return
            digits = length.lstrip(b"0")
            if len(digits) > _MAX_DIGITS or int(digits or b"0") > limit:
                await refuse(scope, receive, send, limit)
                return
        body = LimitedBody(scope, receive, send, limit)
        try:
            await self.app(scope, body.receive, body.send)
        except Exception:
            # The app failed on the body it was cut off from (ClientDisconnect...): the
            # client has its 413, or the response it had started.
            if not body.exceeded:
                raise
