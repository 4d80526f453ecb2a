"""Every route of an app under its full path, for tables that middleware compiles once.

Middleware that runs before routing (the CSRF check, the body-size limit) cannot ask
which route a request will reach. Each walks the app's routes once instead, compiles what
it needs into :class:`RoutePattern` entries, and then only tests a request's path against
them (:class:`CompiledRoutes` rebuilds the entries when the number of routes at the top
level changes). The walk follows Starlette mounts and FastAPI's included routers (which
FastAPI keeps as lazy branches, resolving each route's settings per inclusion); a mount
comes after its own routes, so a table searched in order finds a route before the mount
that holds it. Routes the walk cannot read (a ``Host``) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.routing import BaseRoute, Mount, compile_path
from starlette.types import Scope

EntryT = TypeVar("EntryT")


@dataclass(frozen=True, slots=True)
class WalkedRoute:
    """One route: its full path (a mount's prefix), as declared, and as FastAPI resolved it.

    ``resolved`` is the route for this inclusion (its ``max_body_size`` with the router's
    and ``include_router``'s folded in), or the route itself outside included routers.
    """

    path: str
    route: BaseRoute
    resolved: Any
    mount: bool = False


@dataclass(frozen=True, slots=True)
class RoutePattern:
    """The requests a route answers: its full path pattern and methods (None: all)."""

    pattern: re.Pattern[str]
    methods: frozenset[str] | None

    @classmethod
    def of(cls, walked: WalkedRoute) -> RoutePattern:
        """The pattern of a walked route; a mount's covers every path under its prefix."""
        path = walked.path + "/{path:path}" if walked.mount else walked.path
        pattern, _format, _convertors = compile_path(path)
        methods = None if walked.mount else getattr(walked.resolved, "methods", None)
        return cls(pattern, frozenset(methods) if methods else None)

    def covers(self, method: str, path: str) -> bool:
        """True if a ``method`` request for ``path`` reaches this route."""
        return (self.methods is None or method in self.methods) and bool(self.pattern.match(path))


def route_path(scope: Scope) -> str:
    """The path routing matches: ``scope["path"]`` without the ``root_path`` prefix."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _included(branch: Any, prefix: str) -> Iterator[WalkedRoute]:
    """The routes of one of FastAPI's lazily included routers."""
    for context in branch.effective_route_contexts():
        original = context.original_route
        effective = context.starlette_route
        path: str = getattr(effective, "path", None) or getattr(context, "path", "") or ""
        resolved = effective or context
        if isinstance(original, Mount):
            mount_path = prefix + path.rstrip("/")
            yield from walk_routes(original.routes, mount_path)
            yield WalkedRoute(mount_path, original, resolved, mount=True)
        else:
            yield WalkedRoute(prefix + path, original, resolved)


def walk_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[WalkedRoute]:
    """Every route under ``routes`` (mounted at ``prefix``), in routing order."""
    for route in routes:
        if callable(getattr(route, "effective_route_contexts", None)):
            yield from _included(route, prefix)
        elif isinstance(route, Mount):
            yield from walk_routes(route.routes, prefix + route.path)
            yield WalkedRoute(prefix + route.path, route, route, mount=True)
        elif isinstance(getattr(route, "path", None), str):
            yield WalkedRoute(prefix + getattr(route, "path", ""), route, route)


class CompiledRoutes(Generic[EntryT]):
    """Entries compiled from an app's routes, rebuilt when its top-level route list grows."""

    def __init__(self, compile_routes: Callable[[Iterator[WalkedRoute]], Iterable[EntryT]]) -> None:
        self._compile = compile_routes
        self._entries: tuple[EntryT, ...] = ()
        self._built_for = -1

    def entries(self, routes: Sequence[BaseRoute]) -> tuple[EntryT, ...]:
        """The compiled entries of ``routes`` (compiled on first use and after a change)."""
        if len(routes) != self._built_for:
            self._entries = tuple(self._compile(walk_routes(routes)))
            self._built_for = len(routes)
        return self._entries
