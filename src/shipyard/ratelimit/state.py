"""The per-request rate-limit state kept in the ASGI scope, and the app's limiter.

Every limit checked during a request records its :class:`Decision`; the middleware
reports the tightest one in the ``RateLimit-*`` headers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.applications import Starlette
from starlette.types import Scope

from shipyard.core.services import Service
from shipyard.ratelimit.limiter import Decision, Limiter

DECISION_KEY = "ratelimit"

LIMITER = Service("limiter", Limiter, "rate limiter", started_by="the ratelimit extension")
"""The app's :class:`Limiter`."""


def record(scope: Scope, decision: Decision) -> None:
    """Remember ``decision`` for the response headers (the tightest one wins)."""
    state = scope.setdefault("state", {})
    current = state.get(DECISION_KEY)
    state[DECISION_KEY] = decision.tighter(current if isinstance(current, Decision) else None)


def recorded(scope: Scope) -> Decision | None:
    """The decision the headers of this response report, if any limit was checked."""
    decision = (scope.get("state") or {}).get(DECISION_KEY)
    return decision if isinstance(decision, Decision) else None


def get_limiter(app: Starlette) -> Limiter:
    """The app's :class:`Limiter`, created at start-up."""
    return LIMITER.get(app)


LimiterDep = Annotated[Limiter, Depends(LIMITER.dependency)]
"""The :class:`Limiter` of the app serving the request, as a dependency."""
