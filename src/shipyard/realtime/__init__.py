"""Realtime: a pub/sub broker across processes, Server-Sent Events and WebSockets.

Owns the broker interface and its backends (:mod:`.broker`: memory; :mod:`.redis`;
:mod:`.postgres` LISTEN/NOTIFY), channel names and who may subscribe
(:mod:`.channels`), the :class:`EventStream` response (:mod:`.sse`), the WebSocket
endpoint with its message routing (:mod:`.websocket`) and the :class:`RealtimeExtension`
that mounts them. Not owned here: notifications (``shipyard.notifications``, which
publishes on user channels through this package).
"""

from shipyard.realtime.broker import Broker, MemoryBroker, SubscriberTooSlow, Subscription
from shipyard.realtime.channels import (
    ChannelRules,
    InvalidChannel,
    channel_rules,
    record_channel,
    topic_channel,
    user_channel,
)
from shipyard.realtime.events import Event, EventTooLarge
from shipyard.realtime.extension import RealtimeExtension, make_broker
from shipyard.realtime.hub import REALTIME, Realtime, get_realtime, publish
from shipyard.realtime.sse import EventStream, last_event_id
from shipyard.realtime.websocket import RealtimeSocket, on_message

__all__ = [
    "REALTIME",
    "Broker",
    "ChannelRules",
    "Event",
    "EventStream",
    "EventTooLarge",
    "InvalidChannel",
    "MemoryBroker",
    "Realtime",
    "RealtimeExtension",
    "RealtimeSocket",
    "SubscriberTooSlow",
    "Subscription",
    "channel_rules",
    "get_realtime",
    "last_event_id",
    "make_broker",
    "on_message",
    "publish",
    "record_channel",
    "topic_channel",
    "user_channel",
]
