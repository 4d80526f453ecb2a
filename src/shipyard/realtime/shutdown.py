"""Noticing that the server is stopping while responses are still streaming.

A server stops by waiting for its open responses to finish before the app's lifespan
shutdown runs; an event stream never finishes by itself, so streams must hear of the
stop signal first. :class:`ShutdownSignal` chains a handler in front of the server's own
for SIGTERM and SIGINT (uvicorn's, granian's or any other installed with
``signal.signal``): it sets an :class:`asyncio.Event` the streams watch, then calls the
previous handler. The app's lifespan shutdown sets it too (a server that is not in the
main thread, the test client).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ShutdownSignal:
    """An event set when the process is asked to stop."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self._previous: dict[int, Any] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def install(self) -> None:
        """Put the handler in front of the current ones (main thread only; else a no-op)."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        for number in SIGNALS:
            self._previous[number] = signal.signal(number, self._handle)

    def uninstall(self) -> None:
        """Put the previous handlers back, where ours is still the one installed."""
        for number, previous in self._previous.items():
            if signal.getsignal(number) == self._handle:
                signal.signal(number, previous)
        self._previous.clear()

    def set(self) -> None:
        """Tell every stream that the process is stopping."""
        self.event.set()

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.event.set)
        previous = self._previous.get(number)
        if callable(previous):
            previous(number, frame)
        elif previous == signal.SIG_DFL and number == signal.SIGINT:
            raise KeyboardInterrupt
