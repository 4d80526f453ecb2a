"""HTTP methods: ``HEAD`` wherever ``GET`` works, and every method a path answers.

FastAPI routes answer only the methods they declare, so ``HEAD`` on a ``GET`` route would
be a 405, although RFC 9110 (section 9.3.2) asks for the ``GET`` answer without its
content, as Starlette's own ``Route`` gives. Shipyard answers ``HEAD`` at the routing
level instead of adding it to every ``GET`` route, which would put a ``HEAD`` operation
next to every ``GET`` in the OpenAPI documents:

- :class:`HeadFallback` (just before routing): a ``HEAD`` request that no route answers as
  ``HEAD`` (an explicit ``HEAD`` route, a static mount) is routed, and handled, as a
  ``GET``; ``scope["shipyard.head"]`` tells the handler. The server's ``scope["method"]``
  is ``HEAD`` again when the response starts.
- :class:`HeadResponses` (around the whole stack, error pages included): the answer to a
  ``HEAD`` goes out with the ``GET``'s headers, ``Content-Length`` included, and no body.
  Servers drop ``HEAD`` bodies themselves; in-process clients (httpx's ``ASGITransport``,
  ``TestClient``) do not.

Only ``HEAD`` requests pay for either: other requests cost one comparison.

:func:`allowed_methods` lists every method some route of a request's path answers, for
the ``Allow`` header of a 405 (FastAPI lists only the methods of the first route that
matched the path).
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_MESSAGES = frozenset({"http.response.body", "http.response.pathsend"})
HEAD_KEY = "shipyard.head"
"""Scope key: True while a ``HEAD`` request is handled as a ``GET``."""

COMMON_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""Methods always probed for ``Allow``, with any other method a route declares."""


def routed(scope: Scope, method: str) -> bool:
    """True if one of the app's routes fully matches the request's path with ``method``.

    Matching runs on a copy of the scope (nested dicts copied too), so routes that note
    things in the scope while matching leave the request alone.
    """
    probe: dict[str, Any] = {
        key: dict(value) if isinstance(value, dict) else value for key, value in scope.items()
    }
    probe["method"] = method
    probe["root_path"] = scope.get("app_root_path", scope.get("root_path", ""))
    routes = scope["app"].router.routes
    return any(route.matches(probe)[0] is Match.FULL for route in routes)


def _declared_methods(routes: list[Any]) -> set[str]:
    """Every method the routes declare, included routers' routes too."""
    declared: set[str] = set()
    for context in iter_route_contexts(routes):
        declared.update(getattr(context, "methods", None) or ())
    return declared


def allowed_methods(scope: Scope) -> list[str] | None:
    """The methods some route of the request's path answers, sorted; ``HEAD`` where ``GET``.

    None when routing cannot tell: no route answers the path with any method, or one
    answers the request's own method (the 405 came from inside a mounted app, which knows
    its methods better).
    """
    candidates = {*COMMON_METHODS, *_declared_methods(scope["app"].router.routes)}
    allowed = {method for method in candidates if routed(scope, method)}
    if not allowed or scope["method"] in allowed:
        return None
    if "GET" in allowed:
        allowed.add("HEAD")
    return sorted(allowed)


class HeadFallback:
    """Pure ASGI, just before routing: ``HEAD`` that no route takes is routed as ``GET``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or routed(scope, "HEAD"):
            await self.app(scope, receive, send)
            return

        async def send_as_head(message: Message) -> None:
            if message["type"] == "http.response.start":
                scope["method"] = "HEAD"
            await send(message)

        # The scope is changed in place, not copied: the layers above read what routing
        # writes into it (the endpoint) when the response starts.
        scope["method"] = "GET"
        scope[HEAD_KEY] = True
        try:
            await self.app(scope, receive, send_as_head)
        finally:
            scope["method"] = "HEAD"


class HeadResponses:
    """Pure ASGI, outermost: the answer to a ``HEAD`` request keeps its headers, no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] not in BODY_MESSAGES:
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app(scope, receive, send_headers_only)
