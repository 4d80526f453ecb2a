"""The pub/sub broker: one interface, local fan-out and replay buffers, backends below.

``await broker.publish(channel, event)`` sends an event to every process of the app;
``broker.subscribe(*channels, last_event_id=...)`` is an async context manager and
iterator of the events of those channels. A backend only moves encoded events between
processes (:meth:`Broker.transmit`) and hands each one it receives, its own included, to
:meth:`Broker.receive`; everything else is here:

- every process receives every event, and keeps the last ``realtime.replay_buffer`` of
  each channel (``realtime.replay_channels`` channels at most, least recently used
  dropped), so a client that reconnects to *any* process with ``Last-Event-ID`` gets what
  it missed while that is still buffered;
- each subscription has a bounded queue (``realtime.queue_size``): a subscriber that
  falls that far behind is dropped (:class:`SubscriberTooSlow`), never buffered without
  bound;
- closing the broker ends every subscription (:class:`BrokerClosed` is not raised: the
  iteration simply stops), which is how streams end on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Iterable
from types import TracebackType

from shipyard.config.sections.realtime import RealtimeSettings
from shipyard.errors import ShipyardError
from shipyard.realtime.channels import check_channel
from shipyard.realtime.events import Event, EventTooLarge

logger = logging.getLogger("shipyard.realtime")


class SubscriberTooSlow(ShipyardError):
    """The subscriber's queue filled up: it was dropped rather than buffered without bound."""


class Subscription:
    """The events of some channels for one subscriber; iterate it inside ``async with``."""

    def __init__(self, broker: Broker, channels: tuple[str, ...], last_event_id: str | None):
        self.broker = broker
        self.channels = channels
        self.last_event_id = last_event_id
        self.limit = broker.settings.queue_size
        # One slot more than the limit, so that the end marker always fits.
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(self.limit + 1)
        self.overflowed = False
        self.closed = False
        self.attached = False

    def open(self) -> Subscription:
        """Start receiving (and queue the replayed events); idempotent."""
        if not self.attached:
            self.attached = True
            for event in self.broker.attach(self):
                self.deliver(event)
        return self

    async def aclose(self) -> None:
        """Stop receiving (what a stream does when its client goes away)."""
        self.broker.detach(self)

    async def __aenter__(self) -> Subscription:
        return self.open()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def deliver(self, event: Event) -> None:
        """Queue ``event``; mark the subscriber too slow when its queue is full."""
        if self.closed or self.overflowed:
            return
        if self._queue.qsize() >= self.limit:
            self.overflowed = True
            self._queue.put_nowait(None)
            return
        self._queue.put_nowait(event)

    def close(self) -> None:
        """End the iteration once the events already queued are read."""
        if not self.closed and not self.overflowed:
            self.closed = True
            self._queue.put_nowait(None)

    def pending(self) -> int:
        """How many events wait to be read."""
        return self._queue.qsize()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        event = await self._queue.get()
        if event is not None:
            return event
        if self.overflowed:
            raise SubscriberTooSlow(
                f"a subscriber of {', '.join(self.channels)} fell {self.limit} events behind",
                hint="it was dropped; raise realtime.queue_size if clients are merely slow",
            )
        raise StopAsyncIteration


class Broker:
    """Base of the backends: publishing, subscriptions, replay buffers, local fan-out."""

    name = "base"

    def __init__(self, settings: RealtimeSettings) -> None:
        self.settings = settings
        self._subscribers: dict[str, set[Subscription]] = {}
        self._buffers: OrderedDict[str, deque[Event]] = OrderedDict()
        self.closed = False

    async def start(self) -> None:
        """Connect to the backend's server (nothing for the memory backend)."""

    async def close(self) -> None:
        """End every subscription and disconnect."""
        self.closed = True
        for subscriptions in list(self._subscribers.values()):
            for subscription in list(subscriptions):
                subscription.close()

    async def transmit(self, text: str) -> None:
        """Send an encoded event to every process (this one included)."""
        raise NotImplementedError

    async def ping(self) -> None:
        """Raise when the backend's server cannot be reached (``/ready``)."""

    async def publish(self, channel: str, event: Event | str) -> Event:
        """Publish ``event`` (an :class:`Event`, or text data) on ``channel``; the sent event."""
        if self.closed:
            raise ShipyardError("the realtime broker is closed", hint="publish while the app runs")
        if isinstance(event, str):
            event = Event(event)
        published = event.published(check_channel(channel))
        text = published.encode()
        if len(text.encode()) > self.settings.max_message_size:
            raise EventTooLarge(
                f"an event of {len(text.encode())} bytes on {channel} is over the "
                f"{self.settings.max_message_size}-byte limit",
                hint="publish a reference (an id, a URL) and let clients fetch the rest,"
                " or raise realtime.max_message_size",
            )
        await self.transmit(text)
        return published

    def subscribe(self, *channels: str, last_event_id: str | None = None) -> Subscription:
        """A subscription to ``channels``, first replaying what followed ``last_event_id``."""
        if not channels:
            raise ShipyardError("subscribe to at least one channel")
        return Subscription(
            self, tuple(check_channel(channel) for channel in channels), last_event_id
        )

    def receive(self, text: str | bytes) -> None:
        """Buffer an event a backend received and hand it to this process's subscribers."""
        event = Event.decode(text)
        if event is None:
            logger.warning("ignored a malformed realtime message")
            return
        self._remember(event)
        for subscription in list(self._subscribers.get(event.channel, ())):
            subscription.deliver(event)

    def attach(self, subscription: Subscription) -> list[Event]:
        """Register ``subscription``; the buffered events it missed, oldest first."""
        if self.closed:
            subscription.close()
            return []
        for channel in subscription.channels:
            self._subscribers.setdefault(channel, set()).add(subscription)
        if subscription.last_event_id is None:
            return []
        return self.replay(subscription.channels, subscription.last_event_id)

    def detach(self, subscription: Subscription) -> None:
        """Forget ``subscription``."""
        for channel in subscription.channels:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[channel]

    def replay(self, channels: Iterable[str], last_event_id: str) -> list[Event]:
        """The buffered events of ``channels`` published after ``last_event_id``."""
        missed = [
            event
            for channel in channels
            for event in self._buffers.get(channel, ())
            if event.id > last_event_id
        ]
        return sorted(missed, key=lambda event: event.id)

    def subscriber_count(self) -> int:
        """How many subscriptions this process holds."""
        return len({id(s) for subs in self._subscribers.values() for s in subs})

    def _remember(self, event: Event) -> None:
        size = self.settings.replay_buffer
        if size == 0:
            return
        buffer = self._buffers.get(event.channel)
        if buffer is None:
            buffer = self._buffers[event.channel] = deque(maxlen=size)
            if len(self._buffers) > self.settings.replay_channels:
                self._buffers.popitem(last=False)
        else:
            self._buffers.move_to_end(event.channel)
        buffer.append(event)


class MemoryBroker(Broker):
    """In-process only: every subscriber is in this process (one worker, tests)."""

    name = "memory"

    async def transmit(self, text: str) -> None:
        self.receive(text)
