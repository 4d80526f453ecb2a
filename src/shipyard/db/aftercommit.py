"""Work that must wait until a session's transaction commits (cache invalidation...).

``after_commit(session, callback)`` keeps an async callback with the session. When the
transaction commits, the callbacks registered so far become due; a rollback drops them.
The two places a request's writes are committed (the ``DbSession`` dependency after the
endpoint, the request middleware as the response starts) then await :func:`run_committed`,
so the callbacks finish before the client has the response. A callback registered when
the session holds no connection (it wrote nothing) and nothing is ever committed runs
when the response starts: there was nothing to wait for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from shipyard.db.kept import holds_connection

Callback = Callable[[], Awaitable[None]]

_PENDING = "shipyard.after_commit.pending"
_DUE = "shipyard.after_commit.due"


def _committed(session: Session) -> None:
    pending: list[Callback] = session.info.pop(_PENDING, [])
    session.info.setdefault(_DUE, []).extend(pending)


def _rolled_back(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:  # a savepoint's rollback keeps them
        session.info.pop(_PENDING, None)


def after_commit(session: AsyncSession | Session, callback: Callback) -> None:
    """Await ``callback()`` once the current (or next) transaction of ``session`` commits
    (an ``AsyncSession``, or its ``sync_session`` from inside a SQLAlchemy event)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    if not event.contains(sync, "after_commit", _committed):
        event.listen(sync, "after_commit", _committed)
        event.listen(sync, "after_soft_rollback", _rolled_back)
    sync.info.setdefault(_PENDING, []).append(callback)


async def run_committed(session: AsyncSession, *, idle_too: bool = False) -> None:
    """Await the callbacks whose transaction committed; ``idle_too``: also those waiting
    on a session that holds no connection (nothing left to commit)."""
    info: dict[str, Any] = session.sync_session.info
    if idle_too and not holds_connection(session):
        _committed(session.sync_session)
    due: list[Callback] = info.pop(_DUE, [])
    for callback in due:
        await callback()
