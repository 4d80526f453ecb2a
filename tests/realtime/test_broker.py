"""The broker's own rules, in one process (the memory backend): fan-out, replay after
``Last-Event-ID`` from a bounded buffer, slow subscribers dropped, size and name limits."""

from __future__ import annotations

import pytest

from shipyard.config.models import RealtimeSettings
from shipyard.realtime import (
    Event,
    EventTooLarge,
    InvalidChannel,
    MemoryBroker,
    SubscriberTooSlow,
    record_channel,
    topic_channel,
    user_channel,
)


def broker(**options: object) -> MemoryBroker:
    return MemoryBroker(RealtimeSettings.model_validate(options))


async def test_subscribers_of_a_channel_get_its_events_only() -> None:
    hub = broker()
    async with hub.subscribe("topic:fleet") as fleet, hub.subscribe("topic:ports") as ports:
        sent = await hub.publish("topic:fleet", Event("<li>Nautilus</li>", "ship-added"))
        await hub.publish("topic:ports", "Brest")
        assert await anext(fleet) == sent
        assert sent.channel == "topic:fleet"
        assert (await anext(ports)).data == "Brest"
        assert fleet.pending() == 0
    assert hub.subscriber_count() == 0


async def test_resume_replays_what_followed_the_last_id_from_a_bounded_buffer() -> None:
    hub = broker(replay_buffer=3)
    first = await hub.publish("topic:log", "1")
    for data in "23456":
        await hub.publish("topic:log", data)
    async with hub.subscribe("topic:log", last_event_id=first.id) as late:
        replayed = [(await anext(late)).data for _ in range(3)]
        assert replayed == ["4", "5", "6"]  # 2 and 3 fell out of the buffer
        assert late.pending() == 0
    latest = await hub.publish("topic:log", "7")
    async with hub.subscribe("topic:log", last_event_id=latest.id) as current:
        assert current.pending() == 0


async def test_the_buffers_keep_the_most_recently_used_channels() -> None:
    hub = broker(replay_channels=2)
    start = await hub.publish("topic:a", "a1")
    await hub.publish("topic:b", "b1")
    await hub.publish("topic:a", "a2")
    await hub.publish("topic:c", "c1")  # drops topic:b, the least recently used
    assert [e.data for e in hub.replay(["topic:a", "topic:b", "topic:c"], start.id)] == [
        "a2",
        "c1",
    ]


async def test_a_slow_subscriber_is_dropped_not_buffered() -> None:
    hub = broker(queue_size=2)
    async with hub.subscribe("topic:busy") as slow:
        for number in range(5):
            await hub.publish("topic:busy", str(number))
        assert slow.overflowed
        assert slow.pending() == 3  # two events and the end marker, never more
        assert [(await anext(slow)).data for _ in range(2)] == ["0", "1"]
        with pytest.raises(SubscriberTooSlow, match="fell 2 events behind"):
            await anext(slow)


async def test_closing_the_broker_ends_every_subscription() -> None:
    hub = broker()
    async with hub.subscribe("topic:x") as subscription:
        await hub.publish("topic:x", "last")
        await hub.close()
        assert [event.data async for event in subscription] == ["last"]
    async with hub.subscribe("topic:x") as after:
        assert [event async for event in after] == []


async def test_limits_on_names_and_sizes() -> None:
    hub = broker(max_message_size=256)
    with pytest.raises(EventTooLarge, match="over the 256-byte limit"):
        await hub.publish("topic:big", "x" * 300)
    for bad in (
        "fleet",
        "topic:",
        "Topic:x",
        "topic:a b",
        "topic:x\nevent: y",
        "user:" + "1" * 201,
    ):
        with pytest.raises(InvalidChannel):
            await hub.publish(bad, "data")
    assert user_channel(7) == "user:7"
    assert record_channel("ship", 3) == "record:ship:3"
    assert topic_channel("fleet") == "topic:fleet"


def test_events_survive_the_trip_between_processes_and_refuse_garbage() -> None:
    event = Event.json({"ship": "Nautilus"}, "ship-added").published("topic:fleet")
    assert Event.decode(event.encode()) == event
    for garbage in ("", "[]", '{"c": 1}', "not json", b"\xff\xfe"):
        assert Event.decode(garbage) is None


async def test_a_malformed_message_from_the_backend_is_ignored() -> None:
    hub = broker()
    async with hub.subscribe("topic:x") as subscription:
        hub.receive('{"c": "topic:x"}')
        assert subscription.pending() == 0
