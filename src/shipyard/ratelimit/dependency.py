"""Route limits: ``RateLimit`` dependencies.

``Depends(RateLimit("10/minute", key="user"))`` counts each request to that route; the
counter is the route's own (method and path template) unless ``bucket=`` names one that
several routes share. ``RateLimit.named("auth")`` takes its limit from
``ratelimit.named`` in settings when the request comes, so configuration can change it.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from shipyard.config.limits import parse_limit
from shipyard.errors import ShipyardError
from shipyard.ratelimit.keys import KeyFunction, KeyName, key_function
from shipyard.ratelimit.limiter import Decision
from shipyard.ratelimit.responses import RateLimitExceeded
from shipyard.ratelimit.state import get_limiter, record


def _route_bucket(request: Request) -> str:
    route: Any = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    return f"{request.method} {path}"


async def _enforce(request: Request, limit: str, *identifiers: str) -> Decision:
    if not request.app.settings.ratelimit.enabled:
        return Decision(True, 0, 0, 0)
    decision = await get_limiter(request.app).hit(limit, *identifiers)
    record(request.scope, decision)
    if not decision.allowed:
        raise RateLimitExceeded(request, decision)
    return decision


class RateLimit:
    """A per-route limit, used as ``dependencies=[Depends(RateLimit("10/minute"))]``.

    ``key`` picks who is counted: ``"ip"`` (default), ``"user"`` (the identity resolved
    by an earlier dependency such as ``current_user``, else the IP), ``"api_key"``,
    ``"route"`` (everybody together) or a ``(request) -> str`` callable.
    """

    def __init__(
        self,
        limit: str,
        *,
        key: KeyName | KeyFunction = "ip",
        bucket: str | None = None,
    ) -> None:
        self.key = key_function(key)
        self.bucket = bucket
        self._limit = limit
        self._name: str | None = None
        parse_limit(limit)

    @classmethod
    def named(
        cls, name: str, *, key: KeyName | KeyFunction = "ip", bucket: str | None = None
    ) -> RateLimit:
        """A limit read from ``ratelimit.named[name]`` at request time (``"auth"``...)."""
        instance = cls("1/second", key=key, bucket=bucket)
        instance._name = name
        return instance

    def limit(self, request: Request) -> str:
        """The limit that applies to ``request`` (named limits come from the settings)."""
        if self._name is None:
            return self._limit
        named: dict[str, str] = request.app.settings.ratelimit.named
        if self._name not in named:
            raise ShipyardError(
                f"no rate limit named {self._name!r} in ratelimit.named",
                hint=f'add it to the settings, e.g. [ratelimit.named] {self._name} = "30/minute"',
            )
        return named[self._name]

    async def __call__(self, request: Request) -> Decision:
        bucket = self.bucket or _route_bucket(request)
        return await _enforce(request, self.limit(request), bucket, self.key(request))

    def __repr__(self) -> str:
        what = f"named={self._name!r}" if self._name else repr(self._limit)
        return f"RateLimit({what})"
