"""Oversized bodies against real servers: their peak memory stays flat.

Before the limit, one anonymous 64 MiB JSON body raised the server's peak RSS by ~200 MiB
and four 128 MiB bodies at once by ~800 MiB. Here the app runs under ``uvicorn`` and under
``granian`` (the production default) in a subprocess with the default
``web.max_body_size``; raw sockets send a 64 MiB body, then four 128 MiB bodies at once
(two with ``Content-Length``, two chunked), while a thread samples the RSS of the server's
processes (granian's worker is a child) with psutil every few milliseconds.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from shipyard.testing.services import free_port, running_server

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT = 30.0
MAX_GROWTH = 50 * MiB
"""Far below the pre-fix growth (~200 MiB for one body, ~800 MiB for four)."""


APP = "tests.web.bodies.bodyapp:server_app"
SERVERS = {
    "uvicorn": [sys.executable, "-m", "uvicorn", "--factory", APP, "--log-level", "warning"],
    "granian": [
        str(Path(sys.executable).with_name("granian")),
        *("--interface", "asgi", "--factory", "--workers", "1", "--log-level", "warning", APP),
    ],
}


@dataclass
class Server:
    """The body-limit test app under a real server, in a subprocess."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def rss(self) -> int:
        """The resident memory of the server and its worker processes, in bytes."""
        main = psutil.Process(self.process.pid)
        processes = [main, *main.children(recursive=True)]
        return sum(int(process.memory_info().rss) for process in processes)


@pytest.fixture(params=list(SERVERS))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    path = [
        str(ROOT / "src"),
        str(ROOT),
        *filter(None, os.environ.get("PYTHONPATH", "").split(":")),
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    env.update(
        PYTHONPATH=os.pathsep.join(path),
        BODIES_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bodies.db'}",
    )
    command = [*SERVERS[request.param], "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "server.log"
    probe = f"http://127.0.0.1:{port}/raw"
    with running_server(
        command, probe=probe, log=log, cwd=tmp_path, env=env, startup_timeout=STARTUP_TIMEOUT
    ) as process:
        yield Server(process, port, log)


@dataclass
class PeakSampler:
    """Samples a process's RSS in a thread until stopped; ``peak`` is the highest seen."""

    server: Server
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> PeakSampler:
        self.peak = self.server.rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss())
            time.sleep(0.002)

    def __exit__(self, *_exc: object) -> None:
        time.sleep(0.5)  # what the server still holds after the last answer counts too
        self._stop.set()
        self._thread.join()


def send_json(port: int, size: int, *, chunked: bool) -> str:
    """POST a ``size``-byte JSON body on a raw socket; the status line, or how it ended."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = "POST /json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    head += f"{framing}\r\n\r\n"
    block = b"x" * MiB
    pieces = [b'{"a": "', *([block] * ((size - 9) // MiB)), b"x" * ((size - 9) % MiB), b'"}']
    answer: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        reader = threading.Thread(target=lambda: answer.append(_read_status(sock)), daemon=True)
        reader.start()
        try:
            sock.sendall(head.encode())
            for piece in pieces:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest
        reader.join(timeout=60)
    return answer[0].decode() if answer else "no answer"


def _read_status(sock: socket.socket) -> bytes:
    received = b""
    try:
        while b"\r\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                return received or b"closed"
            received += chunk
    except OSError as error:
        return received or type(error).__name__.encode()
    return received.split(b"\r\n", 1)[0]


def test_oversized_bodies_leave_the_servers_memory_flat(server: Server) -> None:
    send_json(server.port, 1024, chunked=False)  # warm up: imports, first request
    baseline = server.rss()
    with PeakSampler(server) as one:
        single = send_json(server.port, 64 * MiB, chunked=False)
    with ThreadPoolExecutor(max_workers=4) as pool, PeakSampler(server) as four:
        sends = [pool.submit(send_json, server.port, 128 * MiB, chunked=n >= 2) for n in range(4)]
        concurrent = [future.result() for future in sends]
    figures = (
        f"baseline {baseline / MiB:.0f} MiB; one 64 MiB body: +{(one.peak - baseline) / MiB:.1f} "
        f"MiB ({single}); four 128 MiB bodies: +{(four.peak - baseline) / MiB:.1f} MiB "
        f"({', '.join(concurrent)})"
    )
    print(figures)
    assert one.peak - baseline < MAX_GROWTH, figures
    assert four.peak - baseline < MAX_GROWTH, figures
    answered = [status for status in [single, *concurrent] if status.startswith("HTTP/")]
    assert answered, figures
    assert all(" 413 " in status for status in answered), figures
    assert server.process.poll() is None
