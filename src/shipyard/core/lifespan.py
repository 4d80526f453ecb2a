"""The user's own lifespan and FastAPI's event handlers, as Shipyard's lifespan runs them.

FastAPI accepts a lifespan written as an ``@asynccontextmanager`` function, a plain async
generator function or a plain generator function, and start-up/shutdown handlers
(``on_startup=``, ``@app.on_event``) that may be sync or async. These helpers give each
of them one shape, so :class:`~shipyard.core.app.AppBase` can run them inside its own
lifespan, after the extensions have started.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool

Lifespan = Callable[[Any], Any]
"""A lifespan in any form FastAPI accepts (see :func:`as_context`)."""


def as_context(lifespan: Lifespan) -> Callable[[Any], AbstractAsyncContextManager[Any]]:
    """``lifespan`` as a function returning an async context manager."""
    if inspect.isasyncgenfunction(lifespan):
        return asynccontextmanager(lifespan)
    if inspect.isgeneratorfunction(lifespan):
        sync = contextmanager(lifespan)

        @asynccontextmanager
        async def lifted(app: Any) -> AsyncIterator[Any]:
            with sync(app) as state:
                yield state

        return lifted
    return lifespan


async def run_handlers(handlers: Iterable[Callable[[], Any]]) -> None:
    """Call FastAPI event handlers in order: awaited when async, in a thread when not."""
    for handler in handlers:
        if inspect.iscoroutinefunction(handler):
            await handler()
            continue
        result = await run_in_threadpool(handler)
        if inspect.isawaitable(result):
            await result


def lifespan_state(state: object) -> Mapping[str, Any] | None:
    """The state a user lifespan yielded, checked the way Starlette checks it."""
    if state is None or isinstance(state, Mapping):
        return state
    raise TypeError(
        f"the app's lifespan yielded a {type(state).__name__}; yield a dict (its items "
        "become request.state attributes) or nothing"
    )
