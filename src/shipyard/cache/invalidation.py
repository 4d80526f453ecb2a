"""Tag invalidation that waits for the request's database transaction to commit.

A handler that changes posts calls ``await invalidate_tags(request, "posts")``. Inside a
request with an open database session, the tags are invalidated right after that
session's transaction commits (before the response is sent), and not at all when it
rolls back: no other request can refill the cache from data about to change, then keep
it once it has. Outside a request (a job, a shell) they are invalidated at once.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from shipyard.cache.registry import CACHES, CacheRegistry, process_registry
from shipyard.db.aftercommit import after_commit
from shipyard.db.request import current_request_session


def _registry(target: HTTPConnection | Starlette | None) -> CacheRegistry:
    if target is None:
        return process_registry()
    app = target.app if isinstance(target, HTTPConnection) else target
    return CACHES.find(app) or process_registry()


async def invalidate_tags(target: HTTPConnection | Starlette | None, *tags: str) -> None:
    """Invalidate ``tags`` in every cache of the app of ``target`` (a request or an app;
    None: the process's), after the request's transaction commits when there is one."""
    registry = _registry(target)
    session = current_request_session()
    if session is None:
        await registry.invalidate_tags(*tags)
        return

    async def invalidate() -> None:
        await registry.invalidate_tags(*tags)

    after_commit(session, invalidate)
