"""One database session per request, committed before the response is sent.

``DbSession`` is a FastAPI dependency with ``scope="function"``: FastAPI runs its exit
code as soon as the endpoint has returned and its response has been built, and *before*
the response is sent. So the commit happens while the client is still waiting: a client
that has the response can read what the handler wrote, and a failed commit turns into an
error response instead of a silently lost write. An exception in the handler rolls back.
Creating the session opens no connection; a request that never queries pays nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.db.extension import get_database


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session; commit after the endpoint, roll back if it raised."""
    async with get_database(request.app).sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


DbSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]
"""Annotate an endpoint parameter with this to get the request's ``AsyncSession``."""
