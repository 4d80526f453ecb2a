"""issue 21's "Must show", on two real server processes sharing Redis or PostgreSQL.

An event published in process A reaches an SSE client connected to B; a client that
disconnects and resumes with ``Last-Event-ID`` (on the other process) misses nothing;
stopping a server ends its streams with a ``shutdown`` event; a WebSocket from a foreign
``Origin`` is refused; a user cannot subscribe to another user's channel.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families
from tests.realtime.servers import Server, servers
from websockets.typing import Origin

from shipyard.testing.services import postgres_url, redis_url, require_port
from shipyard.testing.sse import ReceivedEvent, read_events

TIMEOUT = httpx.Timeout(10.0)


def _require(backend: str) -> None:
    url = urlsplit(redis_url() if backend == "redis" else postgres_url())
    require_port(backend, url.hostname or "127.0.0.1", url.port or 0)


BACKENDS = ["redis", "postgres"]


@pytest.fixture(scope="module", params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Server]]:
    """Two server processes on the backend of the parameter (shared by the module)."""
    _require(request.param)
    with servers(tmp_path_factory.mktemp(request.param), request.param) as started:
        yield started


def publish(server: Server, channel: str, data: str, event: str = "message") -> str:
    """Publish through ``server``'s process; the event's id."""
    response = httpx.post(
        f"{server.url}/test/publish",
        params={"channel": channel, "data": data, "event": event},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def take(events: Iterator[ReceivedEvent], count: int) -> list[ReceivedEvent]:
    return [next(events) for _ in range(count)]


def test_an_event_published_in_one_process_reaches_a_stream_on_the_other(
    pair: list[Server],
) -> None:
    a, b = pair
    with httpx.stream(
        "GET", f"{b.url}/realtime/events", params={"channel": "topic:fleet"}, timeout=TIMEOUT
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        assert next(lines) == "retry: 3000"  # the stream is open and subscribed
        event_id = publish(a, "topic:fleet", "<li>Nautilus</li>", "ship-added")
        received = next(read_events(lines))
    assert received == ReceivedEvent("<li>Nautilus</li>", "ship-added", event_id)


def test_a_client_resuming_with_last_event_id_loses_nothing(pair: list[Server]) -> None:
    a, b = pair
    url = "/realtime/events?channel=topic:log"
    with httpx.stream("GET", b.url + url, timeout=TIMEOUT) as response:
        lines = response.iter_lines()
        next(lines)
        publish(a, "topic:log", "one")
        first = next(read_events(lines))
    assert first.data == "one"
    assert first.id
    # Disconnected: three more events go out, then the client comes back to A.
    for data in ("two", "three", "four"):
        publish(b, "topic:log", data)
    publish(a, "topic:other", "not mine")
    headers = {"Last-Event-ID": first.id}
    with httpx.stream("GET", a.url + url, headers=headers, timeout=TIMEOUT) as response:
        missed = take(read_events(response.iter_lines()), 3)
        assert [event.data for event in missed] == ["two", "three", "four"]
        ids = [event.id or "" for event in missed]
        assert ids == sorted(ids)
        assert first.id < ids[0]


def test_a_forged_last_event_id_is_a_400(pair: list[Server]) -> None:
    response = httpx.get(
        f"{pair[0].url}/realtime/events?channel=topic:log",
        headers={"Last-Event-ID": "1; DROP TABLE events"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("backend", BACKENDS)
def test_stopping_a_server_ends_its_streams_with_a_shutdown_event(
    backend: str, tmp_path: Path
) -> None:
    _require(backend)
    with servers(tmp_path, backend, count=1) as (b,):
        _stop_while_streaming(b)


def _stop_while_streaming(b: Server) -> None:
    with httpx.stream(
        "GET", f"{b.url}/realtime/events?channel=topic:fleet", timeout=TIMEOUT
    ) as response:
        lines = response.iter_lines()
        next(lines)
        b.process.send_signal(signal.SIGTERM)
        events = list(read_events(lines))  # ends: the server closed the stream
    assert [(event.event, event.data) for event in events] == [
        ("shutdown", "server shutting down; reconnect")
    ]
    # uvicorn stops cleanly, then re-raises the signal it caught (hence -SIGTERM).
    assert b.process.wait(timeout=10) == -signal.SIGTERM
    log = b.log.read_text()
    assert "Application shutdown complete" in log
    assert "timeout graceful shutdown exceeded" not in log


def test_a_user_cannot_subscribe_to_another_users_channel(pair: list[Server]) -> None:
    a, b = pair
    with (
        httpx.Client(base_url=a.url, timeout=TIMEOUT) as ann,
        httpx.Client(base_url=b.url, timeout=TIMEOUT) as bob,
    ):
        ann_id = ann.get("/test/login", params={"email": "ann@example.test"}).json()["id"]
        bob_id = bob.get("/test/login", params={"email": "bob@example.test"}).json()["id"]
        refused = bob.get(f"/realtime/events?channel=user:{ann_id}")
        assert refused.status_code == 403
        assert refused.json()["detail"] == f"you may not subscribe to user:{ann_id}"
        anonymous = httpx.get(f"{a.url}/realtime/events?channel=user:{ann_id}", timeout=TIMEOUT)
        assert anonymous.status_code == 401
        unknown = bob.get("/realtime/events?channel=secret:plans")
        assert unknown.status_code == 403
        malformed = bob.get("/realtime/events", params={"channel": "user:1\nevent: x"})
        assert malformed.status_code == 400
        with bob.stream("GET", f"/realtime/events?channel=user:{bob_id}") as own:
            lines = own.iter_lines()
            next(lines)
            publish(a, f"user:{bob_id}", "for bob")
            assert next(read_events(lines)).data == "for bob"


def open_connections(server: Server) -> dict[str, float]:
    """``shipyard_realtime_connections`` of a server's scrape, by kind."""
    page = httpx.get(server.url + "/metrics", timeout=TIMEOUT).text
    return {
        sample.labels["kind"]: sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name == "shipyard_realtime_connections"
    }


async def _websocket_exchange(
    server: Server, cookie: str, other_user: int
) -> tuple[list[dict[str, object]], dict[str, float]]:
    ws_url = server.url.replace("http://", "ws://") + "/realtime/ws"
    async with websockets.connect(
        ws_url,
        origin=Origin(server.url),
        additional_headers={"Cookie": cookie},
    ) as socket:
        answers = []
        for message in (
            {"type": "ping"},
            {"type": "subscribe", "channel": f"user:{other_user}"},
            {"type": "subscribe", "channel": "topic:fleet"},
            "not json",
            {"type": "launch"},
            {"type": "echo", "text": "ahoy"},
            {"type": "explode"},
        ):
            await socket.send(message if isinstance(message, str) else json.dumps(message))
            answers.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))
        await asyncio.to_thread(publish, server, "topic:fleet", "over the socket")
        answers.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))
        return answers, await asyncio.to_thread(open_connections, server)


def test_websocket_same_origin_with_the_session_cookie(pair: list[Server]) -> None:
    a, _ = pair
    with httpx.Client(base_url=a.url, timeout=TIMEOUT) as client:
        ann_id = client.get("/test/login", params={"email": "ann@example.test"}).json()["id"]
        bob = httpx.get(f"{a.url}/test/login", params={"email": "bob@example.test"})
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    answers, while_open = asyncio.run(_websocket_exchange(a, cookie, bob.json()["id"]))
    assert while_open["websocket"] >= 1
    for _ in range(100):  # the server notices the close a moment after the client
        if open_connections(a)["websocket"] == 0:
            break
        time.sleep(0.05)
    assert open_connections(a)["websocket"] == 0
    assert ann_id != bob.json()["id"]
    assert answers[0] == {"type": "pong"}
    assert answers[1]["type"] == "error"
    assert "may not subscribe" in str(answers[1]["detail"])
    assert answers[2] == {"type": "subscribed", "channel": "topic:fleet"}
    assert answers[3] == {"type": "error", "detail": "messages are JSON objects"}
    assert answers[4] == {"type": "error", "detail": "unknown message type 'launch'"}
    assert answers[5] == {"type": "echo", "text": "ahoy", "from": "ann@example.test"}
    assert answers[6] == {
        "type": "error",
        "detail": "the server could not handle a 'explode' message",
    }
    assert answers[7]["type"] == "event"
    assert answers[7]["data"] == "over the socket"


async def _foreign_origin(server: Server) -> int:
    ws_url = server.url.replace("http://", "ws://") + "/realtime/ws"
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(ws_url, origin=Origin("https://evil.example")):
            pass
    return refused.value.response.status_code


def test_a_websocket_from_a_foreign_origin_is_refused(pair: list[Server]) -> None:
    assert asyncio.run(_foreign_origin(pair[0])) == 403


async def _oversized(server: Server) -> tuple[int | None, str | None]:
    ws_url = server.url.replace("http://", "ws://") + "/realtime/ws"
    async with websockets.connect(ws_url) as socket:  # no Origin: not a browser
        await socket.send(json.dumps({"type": "ping", "pad": "x" * 70_000}))
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 10)
        return socket.close_code, socket.close_reason


def test_an_oversized_websocket_message_closes_with_1009(pair: list[Server]) -> None:
    code, reason = asyncio.run(_oversized(pair[0]))
    assert code == 1009
    assert reason == "messages are limited to 65536 bytes"


async def _socket_through_shutdown(server: Server) -> int | None:
    ws_url = server.url.replace("http://", "ws://") + "/realtime/ws"
    async with websockets.connect(ws_url) as socket:
        await socket.send(json.dumps({"type": "subscribe", "channel": "topic:fleet"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "subscribed"
        server.process.send_signal(signal.SIGTERM)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 10)
        return socket.close_code


def test_stopping_a_server_closes_its_websockets_with_1012(tmp_path: Path) -> None:
    _require("redis")
    with servers(tmp_path, "redis", count=1) as (server,):
        assert asyncio.run(_socket_through_shutdown(server)) == 1012
        assert server.process.wait(timeout=10) == -signal.SIGTERM


def _ticket(server: Server, email: str) -> tuple[int, str]:
    """Sign ``email`` in on ``server`` and ask for a WebSocket ticket; (user id, ticket)."""
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
        signed_in = client.get("/test/login", params={"email": email}).json()
        answer = client.post("/realtime/ticket", headers={"X-CSRF-Token": signed_in["csrf"]})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json()["expires_in"] == 30
    return int(signed_in["id"]), str(answer.json()["ticket"])


async def _echo_with_ticket(server: Server, ticket: str) -> dict[str, object]:
    ws_url = server.url.replace("http://", "ws://") + f"/realtime/ws?ticket={ticket}"
    async with websockets.connect(ws_url, origin=Origin(server.url)) as socket:  # no cookie
        await socket.send(json.dumps({"type": "echo", "text": "by ticket"}))
        answer: dict[str, object] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        return answer


async def _refused_handshake(server: Server, ticket: str) -> int:
    ws_url = server.url.replace("http://", "ws://") + f"/realtime/ws?ticket={ticket}"
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(ws_url, origin=Origin(server.url)):
            pass
    return refused.value.response.status_code


def test_a_ticket_opens_one_websocket_as_its_user(pair: list[Server]) -> None:
    a, _ = pair
    _, ticket = _ticket(a, "ann@example.test")
    answer = asyncio.run(_echo_with_ticket(a, ticket))
    assert answer == {"type": "echo", "text": "by ticket", "from": "ann@example.test"}
    assert asyncio.run(_refused_handshake(a, ticket)) == 403  # replayed
    assert asyncio.run(_refused_handshake(a, ticket[:-2] + "xx")) == 403  # forged
    assert httpx.post(f"{a.url}/realtime/ticket", timeout=TIMEOUT).status_code == 401


def test_a_ticket_is_no_credential_over_http(pair: list[Server]) -> None:
    a, _ = pair
    ann_id, ticket = _ticket(a, "ann@example.test")
    stream = httpx.get(
        f"{a.url}/realtime/events",
        params={"channel": f"user:{ann_id}", "ticket": ticket},
        timeout=TIMEOUT,
    )
    assert stream.status_code == 401
