"""The outermost error layer: a 500 that was answered ends the request like any other.

Starlette's ``ServerErrorMiddleware`` sends the 500 from the app's error handler and then
re-raises the exception "so that the server can log it". Both uvicorn and granian then
log it a second time, and uvicorn closes the connection, so a keep-alive client's next
request on it fails too. :class:`AnsweredErrors` is that middleware with one change: an
exception whose 500 the error handler produced (it logs it, with the request id) stops
here. An exception raised after the response had started still reaches the server, which
must then close the connection because the response is cut short. Apps served by
``shipyard dev``/``run`` use it; test clients keep Starlette's re-raise, so a test sees
the exception itself (``AppBase.reraise_answered_errors``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, ExceptionHandler, Receive, Scope, Send

ANSWERED_KEY = "shipyard.answered_error"
"""Scope key holding the exception whose 500 the error handler produced."""


class AnsweredErrors(ServerErrorMiddleware):
    """``ServerErrorMiddleware`` that does not re-raise an exception it answered."""

    def __init__(
        self, app: ASGIApp, handler: ExceptionHandler | None = None, debug: bool = False
    ) -> None:
        super().__init__(app, handler=None if handler is None else _marking(handler), debug=debug)

    @classmethod
    def replacing(cls, stack: ASGIApp) -> ASGIApp:
        """``stack`` with its outermost ``ServerErrorMiddleware`` (if any) replaced."""
        if type(stack) is not ServerErrorMiddleware:
            return stack
        return cls(stack.app, handler=stack.handler, debug=stack.debug)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            if scope.get(ANSWERED_KEY) is not exc:
                raise


def _marking(handler: ExceptionHandler) -> Callable[[Request, Exception], Awaitable[Response]]:
    """``handler``, recording in the scope which exception it answered."""

    async def answer(request: Request, exc: Exception) -> Response:
        if is_async_callable(handler):
            response = await handler(request, exc)  # type: ignore[arg-type]
        else:
            response = await run_in_threadpool(handler, request, exc)
        request.scope[ANSWERED_KEY] = exc
        return cast(Response, response)

    return answer
