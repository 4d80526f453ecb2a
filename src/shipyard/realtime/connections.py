"""How many Server-Sent Event streams and WebSockets this process holds open right now.

A process-wide tally (one event loop per worker process), kept by :class:`EventStream`
and the WebSocket endpoint around each connection and read by the metrics scrape
(``shipyard_realtime_connections``): two integers, no lock, nothing per event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

Kind = Literal["sse", "websocket"]

OPEN: dict[Kind, int] = {"sse": 0, "websocket": 0}
"""Connections open now, by kind."""


@contextmanager
def counted(kind: Kind) -> Iterator[None]:
    """Count one connection of ``kind`` as open for the duration of the block."""
    OPEN[kind] += 1
    try:
        yield
    finally:
        OPEN[kind] -= 1
