"""The routes whose endpoint is :func:`~shipyard.security.csrf.csrf_exempt`, compiled once.

The CSRF middleware runs before routing, so it cannot ask which endpoint a request will
reach. Instead, the first unsafe request walks the app's routes once
(:mod:`shipyard.web.route_walk`) and compiles the exempt ones into ``(path regex,
methods)`` patterns; each later request only tests its path against that list, which is
empty (free) for most apps. A route the walk cannot read is simply not exempt: the check
then applies, never the reverse. The list is rebuilt when the number of routes at the
top level changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from starlette.routing import BaseRoute

from shipyard.security.csrf import is_exempt
from shipyard.web.route_walk import CompiledRoutes, RoutePattern, WalkedRoute, walk_routes


def _exempt(walked: Iterable[WalkedRoute]) -> Iterator[RoutePattern]:
    for route in walked:
        if not route.mount and is_exempt(getattr(route.route, "endpoint", None)):
            yield RoutePattern.of(route)


def exempt_routes(routes: Iterable[BaseRoute]) -> Iterator[RoutePattern]:
    """Every exempt route under ``routes``, as the pattern of the requests it answers."""
    return _exempt(walk_routes(routes))


class ExemptionTable:
    """The compiled exempt routes of one app, rebuilt when its route list grows."""

    def __init__(self) -> None:
        self._compiled = CompiledRoutes(_exempt)

    def covers(self, routes: Sequence[BaseRoute], method: str, path: str) -> bool:
        """True if ``method path`` reaches an exempt endpoint of ``routes``."""
        return any(route.covers(method, path) for route in self._compiled.entries(routes))
