"""The routes whose endpoint is :func:`~shipyard.security.csrf.csrf_exempt`, compiled once.

The CSRF middleware runs before routing, so it cannot ask which endpoint a request will
reach. Instead, the first unsafe request walks the app's routes once and compiles the
exempt ones into ``(path regex, methods)`` pairs; each later request only tests its path
against that list, which is empty (free) for most apps. The walk follows Starlette
mounts and FastAPI's included routers (which FastAPI keeps as lazy branches). A route
the walk cannot read is simply not exempt: the check then applies, never the reverse.
The list is rebuilt when the number of routes at the top level changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute, Mount, compile_path

from shipyard.security.csrf import is_exempt


@dataclass(frozen=True, slots=True)
class ExemptRoute:
    """One exempt route: its full path pattern and the methods it answers (None: all)."""

    pattern: re.Pattern[str]
    methods: frozenset[str] | None

    def covers(self, method: str, path: str) -> bool:
        """True if a ``method`` request for ``path`` reaches this route."""
        return (self.methods is None or method in self.methods) and bool(self.pattern.match(path))


def _exempt_route(path: str, route: Any) -> ExemptRoute | None:
    if not is_exempt(getattr(route, "endpoint", None)):
        return None
    methods = getattr(route, "methods", None)
    pattern, _format, _convertors = compile_path(path)
    return ExemptRoute(pattern, frozenset(methods) if methods else None)


def _included(branch: Any, prefix: str) -> Iterator[ExemptRoute]:
    """The exempt routes of one of FastAPI's lazily included routers."""
    for context in branch.effective_route_contexts():
        original = context.original_route
        effective = context.starlette_route
        path: str = getattr(effective, "path", None) or getattr(context, "path", "") or ""
        if isinstance(original, Mount):
            yield from exempt_routes(original.routes, prefix + path.rstrip("/"))
            continue
        found = _exempt_route(prefix + path, original)
        if found is not None:
            yield found


def exempt_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[ExemptRoute]:
    """Every exempt route under ``routes`` (mounted at ``prefix``)."""
    for route in routes:
        if callable(getattr(route, "effective_route_contexts", None)):
            yield from _included(route, prefix)
        elif isinstance(route, Mount):
            yield from exempt_routes(route.routes, prefix + route.path)
        else:
            found = _exempt_route(prefix + getattr(route, "path", ""), route)
            if found is not None:
                yield found


class ExemptionTable:
    """The compiled exempt routes of one app, rebuilt when its route list grows."""

    def __init__(self) -> None:
        self._routes: tuple[ExemptRoute, ...] = ()
        self._built_for = -1

    def covers(self, routes: Sequence[BaseRoute], method: str, path: str) -> bool:
        """True if ``method path`` reaches an exempt endpoint of ``routes``."""
        if len(routes) != self._built_for:
            self._routes = tuple(exempt_routes(routes))
            self._built_for = len(routes)
        return any(route.covers(method, path) for route in self._routes)
