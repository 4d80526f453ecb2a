"""One event on a channel: what publishers send and subscribers receive.

An :class:`Event` has a name (``event:`` in a Server-Sent Events stream; the default
``message``), its data (text: HTML for htmx, JSON for scripts), and once published the
``channel`` and an ``id`` given by the publishing process. Ids sort in publication
order across processes (a nanosecond timestamp, then random digits), which is what lets
a client resuming with ``Last-Event-ID`` get exactly the events after the last one it saw.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from shipyard.errors import ShipyardError


class EventTooLarge(ShipyardError):
    """An event larger than ``realtime.max_message_size``."""


@dataclass(frozen=True, slots=True)
class Event:
    """``data`` under the name ``event``; ``channel`` and ``id`` are set when published."""

    data: str
    event: str = "message"
    channel: str = ""
    id: str = ""

    @classmethod
    def json(cls, payload: Any, event: str = "message") -> Event:
        """An event whose data is ``payload`` as compact JSON."""
        return cls(json.dumps(payload, separators=(",", ":")), event)

    def published(self, channel: str) -> Event:
        """This event as published on ``channel``, with a new id."""
        return replace(self, channel=channel, id=new_event_id())

    def encode(self) -> str:
        """The event as the JSON text the brokers carry between processes."""
        return json.dumps(
            {"c": self.channel, "i": self.id, "e": self.event, "d": self.data},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str | bytes) -> Event | None:
        """The event ``encode`` made, or None for anything else (never raises)."""
        try:
            fields = json.loads(text)
            return cls(
                data=str(fields["d"]),
                event=str(fields["e"]),
                channel=str(fields["c"]),
                id=str(fields["i"]),
            )
        except (ValueError, TypeError, KeyError):
            return None


def new_event_id() -> str:
    """An id that sorts after every id this clock gave before (fixed-width digits)."""
    return f"{time.time_ns():020d}-{secrets.token_hex(4)}"
