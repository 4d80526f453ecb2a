"""The app's realtime service: its broker, subscription rules and shutdown signal.

:data:`REALTIME` holds one :class:`Realtime` per running app (the realtime extension
creates it at startup); :func:`get_realtime` finds it, :func:`publish` is the short way
to send an event from anywhere that has the app::

    await publish(request.app, topic_channel("fleet"), Event(html, "ship-added"))

:meth:`Realtime.stream` is an :class:`~shipyard.realtime.sse.EventStream` of some
channels, resumed after ``Last-Event-ID``, which ends on shutdown.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shipyard.config.sections.realtime import RealtimeSettings
from shipyard.core.services import Service
from shipyard.realtime.broker import Broker
from shipyard.realtime.channels import ChannelRules
from shipyard.realtime.events import Event
from shipyard.realtime.shutdown import ShutdownSignal
from shipyard.realtime.sse import EventStream


class Realtime:
    """One app's broker, channel rules and shutdown signal."""

    def __init__(
        self,
        broker: Broker,
        rules: ChannelRules,
        settings: RealtimeSettings,
        shutdown: ShutdownSignal,
    ) -> None:
        self.broker = broker
        self.rules = rules
        self.settings = settings
        self.shutdown = shutdown

    async def publish(self, channel: str, event: Event | str) -> Event:
        """Publish ``event`` on ``channel`` to every process; the event with its id."""
        return await self.broker.publish(channel, event)

    def stream(self, *channels: str, last_event_id: str | None = None) -> EventStream:
        """An event stream of ``channels`` (already authorized by the caller)."""
        # Subscribed before the response starts: once a client reads the stream's first
        # line, nothing published from then on can be missed.
        subscription = self.broker.subscribe(*channels, last_event_id=last_event_id).open()
        return EventStream(
            subscription,
            heartbeat=self.settings.heartbeat,
            retry_ms=self.settings.retry_ms,
            shutdown=self.shutdown.event,
        )


REALTIME = Service("realtime", Realtime, "realtime service", started_by="the realtime extension")
"""The app's :class:`Realtime`."""


def get_realtime(app: Starlette) -> Realtime:
    """The realtime service of ``app`` (a clear error when the extension is missing)."""
    return REALTIME.get(app)


async def publish(app: Starlette, channel: str, event: Event | str) -> Event:
    """Publish ``event`` on ``channel`` through ``app``'s broker."""
    return await get_realtime(app).publish(channel, event)
