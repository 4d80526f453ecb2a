"""Reading Server-Sent Events in tests: parse a ``text/event-stream`` line by line.

::

    with httpx.stream("GET", f"{url}/realtime/events?channel=topic:fleet") as response:
        events = read_events(response.iter_lines())
        first = next(events)
        assert (first.event, first.data) == ("ship-added", "Nautilus")

Comments (heartbeats) are skipped. As in a browser's ``EventSource``, an event's ``id`` is
the last id the stream sent (it carries over), and ``retry`` the last reconnection delay.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """One event as a browser's ``EventSource`` would see it."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


def read_events(lines: Iterable[str]) -> Iterator[ReceivedEvent]:
    """The events of a stream's lines (without their line ends), as they complete."""
    data: list[str] = []
    event, event_id, retry = "message", None, None
    for line in lines:
        if line == "":
            if data:
                yield ReceivedEvent("\n".join(data), event, event_id, retry)
            data, event = [], "message"
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id":
            event_id = value
        elif name == "retry" and value.isdigit():
            retry = int(value)
