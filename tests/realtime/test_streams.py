"""``EventStream`` on a bare ASGI call: framing, heartbeats, a gone client (the source is
closed), server shutdown (a last ``shutdown`` event), and Last-Event-ID checking."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import pytest
from starlette.requests import HTTPConnection

from shipyard.realtime import Event, EventStream, last_event_id
from shipyard.realtime.connections import OPEN
from shipyard.realtime.sse import InvalidLastEventId, format_event
from shipyard.testing.sse import ReceivedEvent, read_events

SCOPE: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "headers": []}


class Client:
    """The ASGI side of one streaming response: what was sent, and a disconnect switch."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.gone = asyncio.Event()
        self.received = asyncio.Condition()
        self.finished = False

    async def receive(self) -> dict[str, Any]:
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            async with self.received:
                self.chunks.append(message.get("body", b""))
                self.finished = not message.get("more_body", False)
                self.received.notify_all()

    async def wait_for(self, text: str) -> None:
        async with self.received:
            await self.received.wait_for(lambda: text in self.text)

    @property
    def text(self) -> str:
        return b"".join(self.chunks).decode()

    def events(self) -> list[ReceivedEvent]:
        return list(read_events(self.text.split("\n")))


class Source:
    """An endless event source that records being closed."""

    def __init__(self) -> None:
        self.closed = False

    async def events(self) -> AsyncIterator[Event]:
        try:
            yield Event("one\ntwo", "first", id="00000000000000000001-0000000a")
            yield Event("plain")
            await asyncio.Event().wait()
            yield Event("never")
        finally:
            self.closed = True


async def test_a_gone_client_cancels_and_closes_the_source() -> None:
    source, client = Source(), Client()
    stream = EventStream(source.events(), heartbeat=3600, retry_ms=1500)
    before = OPEN["sse"]
    task = asyncio.create_task(stream(SCOPE, client.receive, client.send))
    await client.wait_for("data: plain")
    assert OPEN["sse"] == before + 1  # what the metrics scrape reports
    client.gone.set()
    await task
    assert OPEN["sse"] == before
    assert source.closed
    assert stream.ended_by == "disconnect"
    assert client.text.startswith("retry: 1500\n\n")
    assert client.events() == [
        ReceivedEvent("one\ntwo", "first", "00000000000000000001-0000000a", 1500),
        ReceivedEvent("plain", id="00000000000000000001-0000000a", retry=1500),
    ]


async def test_shutdown_ends_the_stream_with_a_last_event() -> None:
    source, client, shutdown = Source(), Client(), asyncio.Event()
    stream = EventStream(source.events(), heartbeat=3600, shutdown=shutdown)
    task = asyncio.create_task(stream(SCOPE, client.receive, client.send))
    await client.wait_for("data: plain")
    shutdown.set()
    await task
    assert source.closed
    assert client.finished
    last = client.events()[-1]
    assert (last.event, last.data) == ("shutdown", "server shutting down; reconnect")


async def test_quiet_streams_send_heartbeat_comments_and_finished_sources_end() -> None:
    async def two() -> AsyncIterator[Event]:
        yield Event("a")
        await asyncio.sleep(0.05)
        yield Event("b")

    client = Client()
    stream = EventStream(two(), heartbeat=0.01, retry_ms=None)
    await stream(SCOPE, client.receive, client.send)
    assert ": keep-alive" in client.text
    assert [event.data for event in client.events()] == ["a", "b"]
    assert stream.ended_by == "source"
    assert client.finished


async def test_a_failing_source_ends_the_stream_cleanly() -> None:
    async def failing() -> AsyncIterator[Event]:
        yield Event("a")
        raise RuntimeError("boom")

    client = Client()
    stream = EventStream(failing(), heartbeat=3600)
    await stream(SCOPE, client.receive, client.send)
    assert stream.ended_by == "error"
    assert client.finished


def test_names_and_ids_cannot_break_the_framing() -> None:
    framed = format_event(Event("x", "evil\r\nid: 1", id="2\n\ndata: injected"))
    assert framed == b"id: 2  data: injected\nevent: evil id: 1\ndata: x\n\n"


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), ("00000000000000000001-0000000a", "00000000000000000001-0000000a")],
)
def test_last_event_id_is_read_when_well_formed(header: str | None, expected: str | None) -> None:
    headers = [] if header is None else [(b"last-event-id", header.encode())]
    assert last_event_id(HTTPConnection({**SCOPE, "headers": headers})) == expected


@pytest.mark.parametrize("forged", ["1", "x" * 5000, "00000000000000000001-0000000A", "../../"])
def test_a_forged_last_event_id_is_refused(forged: str) -> None:
    connection = HTTPConnection({**SCOPE, "headers": [(b"last-event-id", forged.encode())]})
    with pytest.raises(InvalidLastEventId):
        last_event_id(connection)


async def test_a_client_gone_during_a_heartbeat_ends_the_stream_quietly() -> None:
    source = Source()

    async def refuse(message: MutableMapping[str, Any]) -> None:
        if message.get("body", b"").startswith(b": keep-alive"):
            raise OSError("connection reset")

    async def never() -> dict[str, Any]:
        await asyncio.Event().wait()
        return {}

    stream = EventStream(source.events(), heartbeat=0.01, retry_ms=None)
    await stream(SCOPE, never, refuse)
    assert stream.ended_by == "disconnect"
    assert source.closed
