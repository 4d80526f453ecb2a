"""The route limits the middleware counts before routing, with the global limit.

A route's :class:`RateLimit` dependencies whose key is known before routing (``"ip"``,
``"route"``) are found once per app; the middleware finds the route a request will
reach (the router's own matching, over the routes up to the last limited one, and only
when the path matches a limited route at all) and counts those limits together with
the global one: one storage round trip for the request. Limits keyed by an identity a
dependency resolves (``"user"``, ``"api_key"``, a callable) are counted by their
dependency, after routing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from shipyard.ratelimit.dependency import RateLimit


def _rate_limits(dependant: Dependant) -> Iterator[RateLimit]:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, RateLimit):
            yield dependency.call
        yield from _rate_limits(dependency)


def early_limits(route: APIRoute) -> tuple[RateLimit, ...]:
    """The route's limits the middleware can count (each once, in dependency order)."""
    return tuple(dict.fromkeys(limit for limit in _rate_limits(route.dependant) if limit.early))


class RouteLimits:
    """The early route limits of one app's routes."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = list(routes)
        self.limited: dict[int, tuple[APIRoute, tuple[RateLimit, ...]]] = {}
        for index, route in enumerate(self.routes):
            if isinstance(route, APIRoute) and (limits := early_limits(route)):
                self.limited[index] = (route, limits)
        self.last = max(self.limited, default=-1)

    def of(self, scope: Scope) -> tuple[APIRoute, tuple[RateLimit, ...]] | None:
        """The route the request reaches and its early limits, if it has any."""
        if not self.limited:
            return None
        path = get_route_path(scope)
        if not any(route.path_regex.match(path) for route, _ in self.limited.values()):
            return None
        for index in range(self.last + 1):
            match, _ = self.routes[index].matches(scope)
            if match is Match.FULL:
                return self.limited.get(index)
        return None
