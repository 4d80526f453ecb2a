"""The 429 answer: an HTML page, an htmx-aware fragment, or a problem document.

Browsers get the ``errors/429.html`` (or default) page, API clients RFC 9457 JSON, both
through :func:`shipyard.web.errors.problem_response`. An htmx request gets the error
fragment plus an ``HX-Trigger`` event ``shipyard:rate-limited`` (with ``retryAfter``) so
the page can tell the user to wait, and ``HX-Reswap: none`` so nothing is replaced.
"""

from __future__ import annotations

import json

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from shipyard.core.problems import HTTPProblem
from shipyard.ratelimit.limiter import Decision
from shipyard.web.errors import problem_response
from shipyard.web.htmx.request import htmx

TITLE = "Too Many Requests"
HTMX_EVENT = "shipyard:rate-limited"


def _detail(decision: Decision) -> str:
    seconds = decision.reset_after
    return f"Too many requests; try again in {seconds} second{'s' if seconds != 1 else ''}."


def _headers(request: HTTPConnection, decision: Decision) -> dict[str, str]:
    headers = decision.headers()
    if htmx(request).request:
        headers["HX-Trigger"] = json.dumps({HTMX_EVENT: {"retryAfter": decision.reset_after}})
        headers["HX-Reswap"] = "none"
    return headers


class RateLimitExceeded(HTTPProblem):
    """Raised by route limits; the error handlers turn it into the 429 response."""

    def __init__(self, request: HTTPConnection, decision: Decision) -> None:
        super().__init__(
            429,
            TITLE,
            _detail(decision),
            extra={"retry_after": decision.reset_after},
            headers=_headers(request, decision),
        )
        self.decision = decision


def too_many_requests(request: Request, decision: Decision) -> Response:
    """The 429 response for ``request`` (used by the middleware, outside the router)."""
    return problem_response(
        request,
        429,
        TITLE,
        _detail(decision),
        extra={"retry_after": decision.reset_after},
        headers=_headers(request, decision),
    )
