"""The route's database session, committed before the response is sent.

``DbSession`` is a FastAPI dependency with ``scope="function"``: FastAPI runs its exit
code as soon as the endpoint has returned and its response has been built, and *before*
the response is sent. So the commit happens while the client is still waiting: a client
that has the response can read what the handler wrote, and a failed commit turns into an
error response instead of a silently lost write. An exception in the handler rolls back.
Creating the session opens no connection; a request that never queries pays nothing.

On a Shipyard app the session is the request's shared one (``shipyard.db.request``): the
rate limiter, the session store and the authenticators worked in it before the route, so
the route sees their objects (the current ``User``) and one commit covers them all. A
plain FastAPI app without that middleware gets a session of its own per request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.db.aftercommit import run_committed
from shipyard.db.extension import get_database
from shipyard.db.request import request_session


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session; commit after the endpoint, roll back if it raised."""
    shared = request_session(request.scope)
    async with AsyncExitStack() as stack:
        if shared is None:
            shared = await stack.enter_async_context(get_database(request.app).sessionmaker())
        try:
            yield shared
        except BaseException:
            await shared.rollback()
            raise
        await shared.commit()
        await run_committed(shared)


DbSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]
"""Annotate an endpoint parameter with this to get the request's ``AsyncSession``."""
