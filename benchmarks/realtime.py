"""Realtime: many SSE clients on one worker, memory per connection, broadcast latency.

Usage (from the repository root)::

    python -m benchmarks.realtime                                # 1,000 clients, both apps
    python -m benchmarks.realtime --clients 200 --events 20
    python -m benchmarks.realtime --output BENCHMARKS.md         # also write its region

For each app of :mod:`benchmarks.realtime_apps` (Shipyard's realtime extension, and the
baseline on ``sse-starlette`` + ``broadcaster``) a fresh ``uvicorn --workers 1`` starts;
this process then

1. reads the worker's RSS, opens ``--clients`` event streams (raw sockets, so the client
   stays light) and waits until each is subscribed (its first event or line), reads the
   RSS again: **memory per connection** is the difference over the number of clients;
2. publishes ``--events`` events one after the other (``POST /publish``), each carrying
   its number, and notes when every stream has it: **fan-out latency** is, per client and
   event, the time from just before the publish request to the client reading the event;
   the table gives p50 and p99 over all of them, and the time until the *last* client had
   each event (p50 over events).

Client and server share the machine (the client's CPU competes): the figures compare the
two apps on the same footing, not absolute capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if not __package__:  # run as `python benchmarks/realtime.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from benchmarks import report
from benchmarks.processes import log_tail, spawn_logged, stop_group
from benchmarks.realtime_apps import STREAM_PATH
from benchmarks.startup import rss_mb, worker_pid
from shipyard.testing.services import free_port

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SECTION = "realtime"
APPS = ("shipyard", "baseline")
CONNECT_BATCH = 100
STOP_TIMEOUT = 15.0


class RealtimeBenchError(Exception):
    """The benchmark cannot measure (a server that does not start, a lost event)."""


@dataclass
class Client:
    """One open stream and when it read each event."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    seen: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """One app's figures."""

    app: str
    clients: int
    events: int
    rss_before_mb: float
    rss_after_mb: float
    latencies_ms: Sequence[float]
    last_client_ms: Sequence[float]

    @property
    def kb_per_connection(self) -> float:
        """Worker memory added per open stream, in kB (10^3 bytes)."""
        return (self.rss_after_mb - self.rss_before_mb) * 1000 / self.clients

    def percentile(self, fraction: float) -> float:
        """A latency percentile over every (client, event), in ms."""
        ranked = sorted(self.latencies_ms)
        return ranked[min(len(ranked) - 1, int(fraction * len(ranked)))]


async def _open(port: int, path: str) -> Client:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RealtimeBenchError(f"a stream was refused: {head.splitlines()[0]!r}")
    # Subscribed once the first field arrives (Shipyard: retry; baseline: the ready event).
    while not (await reader.readline()).strip().startswith((b"retry:", b"data:")):
        pass
    return Client(reader, writer)


async def _listen(client: Client, arrived: asyncio.Queue[int]) -> None:
    while True:
        line = await client.reader.readline()
        if not line:
            return
        text = line.decode(errors="replace").strip()
        if text.startswith("data:") and text[5:].strip().startswith("n"):
            number = int(text[5:].strip()[1:])
            client.seen[number] = time.perf_counter()
            arrived.put_nowait(number)


async def measure(app: str, port: int, pid: int, clients: int, events: int) -> Result:
    """Open ``clients`` streams to the server on ``port``, then publish ``events`` events."""
    before = rss_mb(pid)
    opened: list[Client] = []
    for start in range(0, clients, CONNECT_BATCH):
        batch = min(CONNECT_BATCH, clients - start)
        opened += await asyncio.gather(*(_open(port, STREAM_PATH[app]) for _ in range(batch)))
    await asyncio.sleep(0.5)
    after = rss_mb(pid)
    arrived: asyncio.Queue[int] = asyncio.Queue()
    listeners = [asyncio.create_task(_listen(client, arrived)) for client in opened]
    latencies: list[float] = []
    last_client: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=30) as http:
            for number in range(events):
                sent = time.perf_counter()
                response = await http.post("/publish", params={"data": f"n{number}"})
                response.raise_for_status()
                for _ in range(clients):
                    await asyncio.wait_for(arrived.get(), timeout=30)
                times = [client.seen[number] - sent for client in opened]
                latencies += [seconds * 1000 for seconds in times]
                last_client.append(max(times) * 1000)
    except TimeoutError as error:
        raise RealtimeBenchError(f"{app}: an event did not reach every client") from error
    finally:
        for task in listeners:
            task.cancel()
        for client in opened:
            client.writer.close()
    return Result(app, clients, events, before, after, latencies, last_client)


def run_app(app: str, clients: int, events: int, workdir: Path) -> Result:
    """Serve ``app`` with one uvicorn worker, measure it, stop it."""
    port = free_port()
    log = workdir / f"{app}.log"
    command = [
        sys.executable, "-m", "uvicorn", "--factory", f"benchmarks.realtime_apps:{app}",
        "--host", HOST, "--port", str(port), "--workers", "1", "--log-level", "warning",
        "--no-access-log", "--timeout-graceful-shutdown", "5",
    ]  # fmt: skip
    server = spawn_logged(command, log, ROOT, {"PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"})
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RealtimeBenchError(f"{app} exited: {log_tail(log)}")
            try:
                httpx.post(f"http://{HOST}:{port}/publish", params={"data": "warm"}, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RealtimeBenchError(f"{app} did not start: {log_tail(log)}") from None
                time.sleep(0.05)
        return asyncio.run(measure(app, port, worker_pid(server), clients, events))
    finally:
        stop_group(server, STOP_TIMEOUT)


def markdown(results: Sequence[Result]) -> str:
    """The region: machine lines, then one row per app."""
    first = results[0]
    lines = [
        report.markdown_machine(
            report.probe_info({"Clients": f"{first.clients:,}", "Events": str(first.events)})
        ),
        "",
        "| app | kB per connection | fan-out p50 (ms) | fan-out p99 (ms) | last client p50 (ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.app} | {r.kb_per_connection:.1f} | {r.percentile(0.5):.2f} | "
        f"{r.percentile(0.99):.2f} | {statistics.median(r.last_client_ms):.2f} |"
        for r in results
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--apps", nargs="+", choices=APPS, default=list(APPS))
    report.output_option(parser, SECTION)
    options = parser.parse_args(argv)

    def render() -> str:
        with tempfile.TemporaryDirectory() as workdir:
            results = [
                run_app(app, options.clients, options.events, Path(workdir)) for app in options.apps
            ]
        return markdown(results)

    return report.run_probe(options.output, SECTION, render, RealtimeBenchError)


if __name__ == "__main__":
    raise SystemExit(main())
