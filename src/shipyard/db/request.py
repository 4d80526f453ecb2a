"""The request's database session: one per request, shared by every layer that needs one.

:class:`RequestSessionMiddleware` (the ``database`` middleware slot, outside ``sessions``)
puts a :class:`RequestSession` in ``scope["shipyard.db"]``. It holds nothing until a
layer asks :func:`request_session` for the session: the rate limiter authenticating a
credential header, the database session store, the authenticators and the route's
``DbSession`` then all work in the same ``AsyncSession``, on one pooled connection. A
request that never asks opens nothing.

The route's ``DbSession`` commits it after the endpoint (``shipyard.db.session``), so a
failed commit still becomes an error response. Whatever was written after that (the
session store saving a changed session as the response starts) or without a route that
commits (a credential's last use recorded for a 429) is committed by the middleware when
the response starts, before a byte is sent: a write is durable once the client has the
response. Work deferred to the commit (:mod:`shipyard.db.aftercommit`) runs right after.
An exception rolls back; the session is closed when the request ends.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.db.aftercommit import run_committed
from shipyard.db.database import Database
from shipyard.db.kept import KEPT_KEY, KeptConnection, holds_connection, kept_for

SCOPE_KEY = "shipyard.db"
"""Where the request's :class:`RequestSession` lives in the ASGI scope."""

_CURRENT: ContextVar[RequestSession | None] = ContextVar("shipyard_request_db", default=None)


class RequestSession:
    """One request's lazily opened ``AsyncSession`` (made on first :meth:`get`)."""

    __slots__ = ("database", "session", "started")

    def __init__(self, database: Callable[[], Database]) -> None:
        self.database = database
        self.session: AsyncSession | None = None
        self.started = False

    def get(self) -> AsyncSession | None:
        """The request's session, made on first use; None once the response has started.

        Making it opens no connection. Work done after the response started (a background
        task) could no longer be committed before it, so it gets no shared session.
        """
        if self.started:
            return None
        if self.session is None:
            self.session = self.database().sessionmaker()
        return self.session

    def kept(self) -> KeptConnection | None:
        """The kept connection the framework's statements run on instead of the request's
        session (:func:`shipyard.db.kept.kept_for`), found without making the session."""
        if self.started:
            return None
        if self.session is not None:
            return kept_for(self.session)
        options = self.database().sessionmaker.kw
        kept = options.get("info", {}).get(KEPT_KEY)
        if isinstance(kept, KeptConnection) and options.get("bind") is kept.engine:
            return kept
        return None

    async def start_response(self) -> None:
        """Commit what was written since the last commit; hand out no session from now on.

        A session whose statements ran on the kept connection (:mod:`shipyard.db.kept`)
        and changed nothing holds no connection and has nothing to commit.
        """
        self.started = True
        session = self.session
        if session is not None:
            if holds_connection(session) or _changed(session):
                await session.commit()
            await run_committed(session, idle_too=True)

    async def close(self) -> None:
        """Roll back anything uncommitted and give the connection back to the pool.

        A session that never held a connection has nothing to give back: it is dropped.
        """
        session, self.session = self.session, None
        if session is not None and holds_connection(session):
            await session.close()


def _changed(session: AsyncSession) -> bool:
    """True if ``session`` holds objects to insert, update or delete (a flush would write)."""
    return bool(session.new or session.deleted or session.dirty)


def request_session(scope: Scope) -> AsyncSession | None:
    """The request's shared session; None outside :class:`RequestSessionMiddleware`.

    None too once the response has started (see :meth:`RequestSession.get`).
    """
    holder = scope.get(SCOPE_KEY)
    return holder.get() if isinstance(holder, RequestSession) else None


def current_request_session() -> AsyncSession | None:
    """The shared session of the request being served (for code that has no scope)."""
    holder = _CURRENT.get()
    return None if holder is None else holder.get()


def current_statement_target() -> AsyncSession | KeptConnection | None:
    """Where the framework's statements for the request being served run: the kept
    connection while its session holds none (the session is not made to find out), else
    its session; None outside a request or once its response started."""
    holder = _CURRENT.get()
    return None if holder is None else holder.kept() or holder.get()


class RequestSessionMiddleware:
    """Pure ASGI: the lazy per-request session, committed as the response starts.

    ``database`` finds the serving app's :class:`Database` (it is made at start-up).
    """

    def __init__(self, app: ASGIApp, database: Callable[[Starlette], Database]) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        holder = RequestSession(lambda: self.database(app))
        scope[SCOPE_KEY] = holder
        token = _CURRENT.set(holder)

        async def send_committed(message: Message) -> None:
            if message["type"] == "http.response.start":
                await holder.start_response()
            await send(message)

        try:
            await self.app(scope, receive, send_committed)
        finally:
            _CURRENT.reset(token)
            await holder.close()
