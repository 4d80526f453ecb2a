"""One computation per key at a time in this process: the others wait for its result.

:meth:`SingleFlight.run` tells the caller whether it was the one that computed (the
leader) or a follower given the leader's result. If the leader fails, its followers get
its exception; if it is cancelled, they start over (one of them leads).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class SingleFlight:
    """Coalesces concurrent calls for the same key."""

    def __init__(self) -> None:
        self._calls: dict[str, asyncio.Future[Any]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._calls

    async def run(self, key: str, compute: Callable[[], Awaitable[Any]]) -> tuple[Any, bool]:
        """``(result, True)`` for the caller that computed, ``(result, False)`` for the rest."""
        while (pending := self._calls.get(key)) is not None:
            try:
                return await asyncio.shield(pending), False
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this follower itself was cancelled
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._calls[key] = future
        try:
            result = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no warning when nobody was waiting
            raise
        else:
            future.set_result(result)
            return result, True
        finally:
            del self._calls[key]
