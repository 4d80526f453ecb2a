"""Stopping a real server: SIGTERM with 50 requests in flight, and a 500 on a kept-alive
connection, under granian (the default), uvicorn with workers, and the dev server.

The held requests wait inside the app until the test releases them (a file appears), so
"in flight" is a fact, not a timing guess: every one has reached the app before SIGTERM,
and stays there until each server process has said it stopped listening.
"""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path

import pytest
from tests.cli.support import Server

from shipyard.testing.services import free_port

pytestmark = pytest.mark.slow

IN_FLIGHT = 50

APP = '''
"""A test app: /hold waits inside the app until the release file exists."""

import asyncio
import os
from pathlib import Path

from shipyard import App

ROOT = Path(__file__).parent
app = App(root=ROOT)


@app.get("/hold")
async def hold() -> dict[str, str]:
    with (ROOT / "arrived").open("a") as arrived:
        arrived.write(f"{os.getpid()}\\n")
    for _ in range(6000):
        if (ROOT / "release").exists():
            return {"held": "released"}
        await asyncio.sleep(0.01)
    return {"held": "never released"}


@app.get("/boom")
async def boom() -> dict[str, str]:
    raise RuntimeError("boom for the keep-alive test")


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"pong": "yes"}
'''

ENV = {"SHIPYARD_RATELIMIT__ENABLED": "false", "SHIPYARD_SERVER__GRACEFUL_TIMEOUT": "30"}

# (arguments, line each serving process prints once it is ready, how many processes,
#  line each prints once it no longer listens)
SERVERS = {
    "granian": (["run", "--workers", "2"], "Started worker", 2, "Stopping worker"),
    "uvicorn": (
        ["run", "--workers", "2", "--server", "uvicorn"],
        "Application startup complete",
        2,
        "Waiting for connections to close",
    ),
    "dev": (
        ["dev", "--no-worker", "--no-migrate"],
        "Application startup complete",
        1,
        "Waiting for connections to close",
    ),
}


def start(tmp_path: Path, args: list[str], ready: str, processes: int) -> Server:
    (tmp_path / "holdapp.py").write_text(APP)
    server = Server([*args, "--app", "holdapp:app"], cwd=tmp_path, port=free_port(), env=ENV)
    server.wait_for_output(ready, count=processes)
    server.get("/ping")
    return server


def send(port: int, path: str, *, close: bool) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    connection = "Connection: close\r\n" if close else ""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{connection}\r\n".encode())
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response (Content-Length framed) from ``sock``; the socket stays open."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a full response head: {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    length = int(headers["content-length"])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {len(body)} of {length} body bytes")
        body += chunk
    return int(status_line.split()[1]), headers, body


def wait_for_arrivals(path: Path, count: int, server: Server) -> None:
    deadline = time.monotonic() + 60
    while not path.exists() or len(path.read_text().splitlines()) < count:
        if time.monotonic() > deadline or server.process.poll() is not None:
            arrived = len(path.read_text().splitlines()) if path.exists() else 0
            pytest.fail(f"{arrived} of {count} requests reached the app:\n{server.stop()}")
        time.sleep(0.05)


@pytest.mark.parametrize("name", list(SERVERS))
def test_sigterm_finishes_every_request_in_flight_and_refuses_new_ones(
    tmp_path: Path, name: str
) -> None:
    args, ready, processes, not_listening = SERVERS[name]
    server = start(tmp_path, args, ready, processes)
    try:
        held = [send(server.port, "/hold", close=True) for _ in range(IN_FLIGHT)]
        wait_for_arrivals(tmp_path / "arrived", IN_FLIGHT, server)

        server.signal_group(signal.SIGTERM)
        server.wait_for_output(not_listening, count=processes)
        # A client connecting now must be refused (safe to retry elsewhere), not accepted
        # by a socket nobody reads and reset when the server exits.
        try:
            late: socket.socket | None = send(server.port, "/ping", close=True)
        except ConnectionRefusedError:
            late = None

        (tmp_path / "release").touch()
        statuses = []
        for sock in held:
            with sock:
                statuses.append(read_response(sock)[0])
        assert statuses == [200] * IN_FLIGHT
        if late is not None:
            with late:
                assert read_response(late)[0] == 200
        assert server.process.wait(timeout=60) == 0, server.output
    finally:
        output = server.stop()
    assert "Traceback" not in output, output


@pytest.mark.parametrize("name", ["granian", "uvicorn"])
def test_a_500_leaves_the_kept_alive_connection_usable_and_is_logged_once(
    tmp_path: Path, name: str
) -> None:
    ready = SERVERS[name][1]
    server = start(tmp_path, ["run", "--workers", "1", "--server", name], ready, 1)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            for path in ("/boom", "/ping"):
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                status, headers, body = read_response(sock)
                if path == "/boom":
                    assert status == 500
                    assert headers.get("connection") != "close"
                    request_id = json.loads(body)["request_id"]
                else:
                    assert (status, json.loads(body)) == (200, {"pong": "yes"})
    finally:
        output = server.stop()
    assert output.count(f"request_id={request_id}") == 1, output
    assert output.count("Traceback") == 1, output
    assert "RuntimeError: boom for the keep-alive test" in output
