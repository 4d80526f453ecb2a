"""``LazyHTMLResponse``: a page rendered as it is sent, after the request's user is resolved.

Templates are rendered synchronously and cannot wait for the database. A template that
shows who is logged in (``current_user``, see :mod:`shipyard.web.viewer`) on a request
whose identity nobody resolved yet gets this response instead of a rendered one: when
the server sends it, it resolves the identity (in the request's database session, before
the response starts) and renders then. Out-of-band pieces added with
:func:`shipyard.web.htmx.oob.with_oob` are appended after the render. Until it is sent
its ``body`` is empty: read the page with :meth:`LazyHTMLResponse.rendered`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from shipyard.web.viewer import resolve_viewer


class LazyHTMLResponse(HTMLResponse):
    """An HTML response whose body ``produce()`` renders once the viewer is resolved."""

    def __init__(
        self,
        connection: HTTPConnection,
        produce: Callable[[], str],
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._connection = connection
        self._produce = produce
        self._appended: list[bytes] = []
        super().__init__(None, status_code=status_code, headers=headers)

    def append(self, extra: bytes) -> None:
        """Add bytes after the page (out-of-band swaps)."""
        self._appended.append(extra)

    async def rendered(self) -> bytes:
        """Resolve the viewer, render, and keep the result as the body."""
        await resolve_viewer(self._connection)
        self.body = bytes(self.render(self._produce())) + b"".join(self._appended)
        self._appended = []
        if not (self.status_code < 200 or self.status_code in (204, 304)):
            self.headers["content-length"] = str(len(self.body))
        return bytes(self.body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.rendered()
        await super().__call__(scope, receive, send)
