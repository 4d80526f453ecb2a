"""Routes that serve chosen API versions, and the ``api_version`` dependency.

Put versioned operations on a :class:`VersionedRouter` (an ``APIRouter`` whose routes are
:class:`VersionedRoute`) and name the versions each handler serves with
:func:`versions`; two handlers may share a path and method when their versions differ::

    router = VersionedRouter(prefix="/ships")

    @router.get("")
    @versions("1")
    async def list_ships_v1() -> list[ShipV1]: ...

    @router.get("")
    @versions("2", "3")
    async def list_ships_v2() -> list[ShipV2]: ...

A handler without ``@versions`` serves every version. The version is negotiated while
routing, only for requests whose path matches a versioned route, so the rest of the app
pays nothing. A request for a version no handler of the path serves gets a 406 problem
(a 404 under a ``/v<n>/`` prefix). ``Depends(api_version)`` (or the :data:`ApiVersion`
annotation) gives the version to a handler, on versioned and plain routes alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from shipyard.api.versioning.headers import decorate
from shipyard.api.versioning.negotiation import (
    SCOPE_KEY,
    VersionChoice,
    api_settings,
    negotiate,
    unsupported_version,
)
from shipyard.config.models import API_VERSION_PATTERN, ApiSettings
from shipyard.core.problems import NOT_FOUND, HTTPProblem

VERSIONS_ATTRIBUTE = "__shipyard_api_versions__"
_REFUSED_KEY = "shipyard.api_version.refused"
_AVAILABLE_KEY = "shipyard.api_version.available"
_VERSION = re.compile(API_VERSION_PATTERN)

EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


def versions(*served: str) -> Callable[[EndpointT], EndpointT]:
    """Decorator: the API versions an endpoint serves (``@versions("1", "2")``)."""
    if not served:
        raise TypeError("versions() needs at least one version, e.g. @versions('2')")
    for version in served:
        if not isinstance(version, str) or not _VERSION.match(version):
            raise ValueError(
                f"versions(): {version!r} is not a version token "
                "(a string of lowercase letters, digits, '.', '_', '-'; e.g. '2')"
            )

    def mark(endpoint: EndpointT) -> EndpointT:
        setattr(endpoint, VERSIONS_ATTRIBUTE, tuple(dict.fromkeys(served)))
        return endpoint

    return mark


def declared_versions(endpoint: Callable[..., Any]) -> tuple[str, ...] | None:
    """The versions ``@versions`` gave ``endpoint``; ``None`` when it serves all."""
    declared = getattr(endpoint, VERSIONS_ATTRIBUTE, None)
    return declared if isinstance(declared, tuple) else None


class VersionedRoute(APIRoute):
    """An ``APIRoute`` that matches only requests for the API versions it serves."""

    def served(self, api: ApiSettings) -> tuple[str, ...]:
        """The versions this route answers, in ``api.versions`` order."""
        declared = declared_versions(self.endpoint)
        if declared is None:
            return tuple(api.versions)
        return tuple(version for version in api.versions if version in declared)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        api = api_settings(scope)
        if api.mode != "path":
            match, child = super().matches(scope)
            if match is not Match.NONE:
                return self._select(scope, match, child, negotiate(scope, api), api)
        if api.mode != "header":
            return self._match_prefixed(scope, api)
        return Match.NONE, {}

    def _match_prefixed(self, scope: Scope, api: ApiSettings) -> tuple[Match, Scope]:
        """Match ``<path_prefix>/v<n>/rest`` as ``<path_prefix>/rest`` in version ``n``."""
        path: str = scope["path"]
        start = f"{scope.get('root_path', '')}{api.path_prefix}/v"
        if not path.startswith(start):
            return Match.NONE, {}
        version, slash, rest = path[len(start) :].partition("/")
        if not slash or version not in api.versions:
            return Match.NONE, {}
        match, child = super().matches({**scope, "path": f"{start[:-2]}/{rest}"})
        if match is Match.NONE:
            return Match.NONE, {}
        return self._select(scope, match, child, VersionChoice(version, "path"), api)

    def _select(
        self, scope: Scope, match: Match, child: Scope, choice: VersionChoice, api: ApiSettings
    ) -> tuple[Match, Scope]:
        """FULL when this route serves ``choice``; else PARTIAL, refused in :meth:`handle`."""
        child[SCOPE_KEY] = choice
        if match is Match.PARTIAL:
            child[_REFUSED_KEY] = "method"
            return match, child
        served = self.served(api)
        if choice.version is not None and choice.version in served:
            child[_REFUSED_KEY] = None
            return match, child
        available = scope.setdefault(_AVAILABLE_KEY, set())
        available.update(served)
        child[_REFUSED_KEY] = "version"
        return Match.PARTIAL, child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = scope.get(_REFUSED_KEY)
        # A route with the right method refused the version: that beats a 405 from
        # another route of the path that only lacks the method.
        if refused == "version" or (refused == "method" and scope.get(_AVAILABLE_KEY)):
            raise _refusal(scope)
        await super().handle(scope, receive, send)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def versioned_handler(request: Request) -> Response:
            response = await handler(request)
            choice = request.scope.get(SCOPE_KEY)
            if isinstance(choice, VersionChoice):
                decorate(request.scope, response.headers, choice, api_settings(request.scope))
            return response

        return versioned_handler


def _refusal(scope: Scope) -> HTTPProblem:
    api = api_settings(scope)
    choice = scope.get(SCOPE_KEY)
    if not isinstance(choice, VersionChoice):
        choice = VersionChoice(None, "accept")
    available = scope.get(_AVAILABLE_KEY) or set()
    supported = [version for version in api.versions if version in available]
    if choice.source == "path":
        return NOT_FOUND.exception(
            f"This operation is not available in version {choice.version}.",
            extra={"supported": supported},
        )
    return unsupported_version(api, choice, supported)


class VersionedRouter(APIRouter):
    """An ``APIRouter`` whose routes are :class:`VersionedRoute` (same arguments)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        route_class = kwargs.setdefault("route_class", VersionedRoute)
        if not (isinstance(route_class, type) and issubclass(route_class, VersionedRoute)):
            raise TypeError("VersionedRouter: route_class must be a VersionedRoute subclass")
        super().__init__(*args, **kwargs)


def api_version(request: Request, response: Response) -> str:
    """FastAPI dependency: the request's API version (406 problem if none is acceptable).

    On a plain route (not a :class:`VersionedRoute`) it negotiates from ``Accept`` and adds
    ``Vary: Accept`` and any deprecation headers; the ``Content-Type`` stays the route's.
    """
    choice = request.scope.get(SCOPE_KEY)
    if isinstance(choice, VersionChoice) and choice.version is not None:
        return choice.version
    api = api_settings(request.scope)
    choice = negotiate(request.scope, api)
    if choice.version is None:
        raise unsupported_version(api, choice)
    decorate(request.scope, response.headers, choice, api, content_type=False)
    return choice.version


ApiVersion = Annotated[str, Depends(api_version)]
"""Annotation for a handler parameter receiving the negotiated API version."""
