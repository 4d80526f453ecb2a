"""The request's log context, its id, and the one access line per request.

:class:`RequestContextMiddleware` fills the outermost slot of the middleware order
(``request_context``), so it sees every response, the other layers' refusals included.
For each HTTP request it

- takes the request id from the ``logging.request_id_header`` header when it is well
  formed (up to 128 letters, digits and ``-_.:``; a proxy or load balancer set it) and
  ``logging.trust_request_id`` is on, else makes a new one; the response carries it back;
- binds ``request_id``, ``method`` and ``path`` to structlog's context variables, so
  every line logged while serving the request carries them, whichever logger wrote it;
- writes one ``request`` line when the response is done: status, duration, the route
  template (``/ships/{ship_id}``, never the raw path's ids twice), the user id when the
  request was authenticated, and the client address (trusted-proxy aware, as the rate
  limiter sees it); at WARNING when the request took over ``logging.slow_request_ms``;
- in debug mode, tallies the request's SQL statements and warns about a statement run
  over and over (:func:`~shipyard.observability.sql.repeated_statements`, N+1 queries).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from sqlalchemy import inspect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.auth.identity import Identity
from shipyard.config.derived import PerSettings
from shipyard.config.models import Settings
from shipyard.observability.logs import log_access
from shipyard.observability.sql import repeated_statements
from shipyard.ratelimit.clientip import client_ip

logger = logging.getLogger("shipyard.observability")

SCOPE_KEY = "shipyard.request_id"
"""Where the request id is kept in the ASGI scope (:func:`request_id`)."""
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id(scope: Scope) -> str | None:
    """The id of the request being served (None outside the middleware)."""
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, str) else None


class RequestRecorder(Protocol):
    """Metrics kept per request (:func:`~shipyard.observability.metrics.request_recorder`)."""

    def started(self) -> None: ...

    def finished(self, method: str, route: str | None, status: int, seconds: float) -> None: ...


@dataclass(frozen=True)
class RequestLogOptions:
    """What the middleware needs from the settings, derived once per settings snapshot."""

    header: bytes
    trust_incoming: bool
    access_log: bool
    slow_ms: float | None
    trusted_proxies: tuple[str, ...]
    repeated_statements: int | None

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestLogOptions:
        options = settings.logging
        return cls(
            header=options.request_id_header.lower().encode("latin-1"),
            trust_incoming=options.trust_request_id,
            access_log=options.access_log,
            slow_ms=options.slow_request_ms,
            trusted_proxies=tuple(settings.ratelimit.trusted_proxies),
            repeated_statements=options.repeated_query_warning if settings.app.debug else None,
        )

    def request_id_for(self, scope: Scope) -> str:
        """The incoming id when trusted and well formed, else a new random one."""
        if self.trust_incoming:
            for name, value in scope.get("headers", ()):
                if name == self.header:
                    text: str = value.decode("latin-1")
                    if _WELL_FORMED.match(text):
                        return text
                    break
        return secrets.token_hex(16)


def _user_id(scope: Scope) -> Any:
    """The authenticated user's id, read from the identity map, never from the database.

    By the time the line is written the request's session has committed (expiring the
    user) and closed (detaching it): reading ``user.id`` would try to reload it.
    """
    identity = (scope.get("state") or {}).get("identity")
    if not isinstance(identity, Identity):
        return None
    state = inspect(identity.user, raiseerr=False)
    key = None if state is None else state.identity
    return key[0] if key else None


def _route_template(scope: Scope) -> str | None:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class RequestContextMiddleware:
    """Pure ASGI: request id, context variables and the access line (see the module)."""

    def __init__(self, app: ASGIApp, recorder: RequestRecorder | None = None) -> None:
        self.app = app
        self.recorder = recorder
        self.options = PerSettings(RequestLogOptions.from_settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        options = self.options(scope["app"].settings)
        identifier = options.request_id_for(scope)
        scope[SCOPE_KEY] = identifier
        header = (options.header, identifier.encode("latin-1"))
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), header]
                message = {**message, "headers": headers}
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(
            request_id=identifier, method=scope["method"], path=scope["path"]
        )
        recorder = self.recorder
        if recorder is not None:
            recorder.started()
        try:
            if options.repeated_statements is None:
                await self.app(scope, receive, send_with_id)
            else:
                with repeated_statements(options.repeated_statements):
                    await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            if recorder is not None:
                recorder.finished(scope["method"], route, status, seconds)
            elapsed_ms = seconds * 1000
            slow = options.slow_ms is not None and elapsed_ms > options.slow_ms
            if options.access_log or slow:
                try:
                    fields = {
                        "status": status,
                        "duration_ms": round(elapsed_ms, 2),
                        "route": route,
                        "user_id": _user_id(scope),
                        "client": client_ip(scope, options.trusted_proxies),
                    }
                    event = "slow request" if slow else "request"
                    log_access(event, warning=slow, fields=fields)
                except Exception:  # as logging does: a line that fails never fails the request
                    logger.exception("could not write the access line")
            structlog.contextvars.reset_contextvars(**tokens)
