"""The framework's middleware order, declared in one place.

Extensions do not add their middleware with ``app.add_middleware`` (whose order follows
registration order); they fill a named slot of :data:`MIDDLEWARE_ORDER`, or sit just
before or after one, and :meth:`MiddlewarePlan.stack` lays the stack out from this list
when the app builds it. Read top to bottom, outermost first:

``request_context``
    The request id and log context; its access line sees every response.
``security_headers``
    Every response gets the headers, rejections from the layers below included.
``hosts``
    A request for a host the app does not serve is refused before anything else runs.
``cors``
    Preflights are answered before any session or limit is looked at.
``body_limit``
    Bodies over the size limit are refused while streaming, before any layer parses them.
``database``
    The request's lazy database session, shared by every layer below and committed
    before the response starts (after the session store wrote to it).
``sessions``
    The lazy session, so the layers below (and the error pages) can use it.
``ratelimit``
    429s get the headers above and can render the app's error page.
``csrf``
    Sees the session.
``cache``
    Answers cached ``GET`` routes (``@cache``) before routing; innermost, so every layer
    above still applies to a hit.

Middleware an app adds itself with ``app.add_middleware`` wraps all of these, as in any
FastAPI app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.middleware import Middleware

from shipyard.errors import ShipyardError

MIDDLEWARE_ORDER: tuple[str, ...] = (
    "request_context",
    "security_headers",
    "hosts",
    "cors",
    "body_limit",
    "database",
    "sessions",
    "ratelimit",
    "csrf",
    "cache",
)
"""The named slots, outermost first."""

Placement = Literal["before", "at", "after"]


@dataclass
class MiddlewarePlan:
    """The middleware extensions asked for, by slot and placement."""

    entries: dict[tuple[str, Placement], list[Middleware]] = field(default_factory=dict)

    def add(self, slot: str, placement: Placement, middleware: Middleware) -> None:
        """Put ``middleware`` at, before or after ``slot``; unknown slots are an error."""
        if slot not in MIDDLEWARE_ORDER:
            raise ShipyardError(
                f"unknown middleware slot {slot!r}",
                hint=f"use one of {', '.join(MIDDLEWARE_ORDER)}",
            )
        self.entries.setdefault((slot, placement), []).append(middleware)

    def classes(self) -> list[Any]:
        """The middleware classes in stack order, outermost first (for checks and tests)."""
        return [entry.cls for entry in self.stack()]

    def stack(self) -> list[Middleware]:
        """Every planned middleware, outermost first, following :data:`MIDDLEWARE_ORDER`."""
        ordered: list[Middleware] = []
        for slot in MIDDLEWARE_ORDER:
            for placement in ("before", "at", "after"):
                ordered.extend(self.entries.get((slot, placement), ()))
        return ordered
