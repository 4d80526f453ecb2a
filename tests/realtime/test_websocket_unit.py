"""The WebSocket's outbox is bounded: a client that does not read is marked too slow
(the endpoint then closes it with 4008) instead of its messages piling up."""

from __future__ import annotations

from typing import Any, cast

from starlette.websockets import WebSocket

from shipyard.config.models import RealtimeSettings
from shipyard.realtime import ChannelRules, MemoryBroker, Realtime
from shipyard.realtime.shutdown import ShutdownSignal
from shipyard.realtime.websocket import RealtimeSocket


def test_a_client_that_does_not_read_is_marked_too_slow() -> None:
    settings = RealtimeSettings(queue_size=2)
    realtime = Realtime(MemoryBroker(settings), ChannelRules(), settings, ShutdownSignal())
    socket = RealtimeSocket(cast(WebSocket, object()), None, realtime)
    messages: list[dict[str, Any]] = [{"type": "pong"}] * 2
    for message in messages:
        socket.send(message)
    assert not socket.slow.is_set()
    socket.send({"type": "pong"})
    assert socket.slow.is_set()
    assert socket.outbox.qsize() == 2
