"""Uploads: throughput and server memory of a streamed upload, vs FastAPI's ``UploadFile``.

Usage (from the repository root)::

    python -m benchmarks.uploads                         # 10 MB x 5 and 1 GB x 1, both apps
    python -m benchmarks.uploads --sizes 10MB --runs 10
    python -m benchmarks.uploads --clamd unix:/run/clamav/clamd.ctl   # + scanning overhead

Each app below runs under one fresh ``uvicorn --workers 1`` (the same server for all).
This process warms it with a 1 MB upload, reads the worker's RSS, then sends each upload
as a multipart body generated on the fly (one file of ``Z`` bytes, in 1 MiB
chunks) while a thread samples the worker's RSS every 20 ms. **Throughput** is the body
size over the time from the first byte sent to the response read (MB = 10^6 bytes);
**peak RSS** is the highest sample minus the RSS after warm-up.

* ``shipyard``: an ``Upload()`` route: streamed to a temp file, SHA-256 and magic-number
  type while streaming, the structure checks after, no scan;
* ``shipyard-scan`` (with ``--clamd``): the same with ClamAV ``INSTREAM`` on every file
  (sizes over clamd's ``StreamMaxLength`` are skipped): the difference is the scanning
  overhead;
* ``fastapi``: ``file: UploadFile`` (Starlette's parser on python-multipart: a
  ``SpooledTemporaryFile`` rolled to disk over 1 MB), reading back the size.

Client and server share the machine: the figures compare the apps on the same footing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

if not __package__:  # run as `python benchmarks/uploads.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil
from fastapi import Depends, FastAPI, UploadFile

from benchmarks.processes import log_tail, spawn_logged, stop_group
from benchmarks.startup import worker_pid
from shipyard.testing.services import free_port
from shipyard.uploads import Upload, Uploads, parse_size

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CHUNK = b"Z" * (1024 * 1024)
BOUNDARY = "benchmark-upload-boundary"
LIMIT = parse_size("4GB")
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0

UploadsDep = Annotated[Uploads, Depends(Upload())]


# -- the apps (uvicorn --factory benchmarks.uploads:<name>) -------------------------------


def shipyard() -> FastAPI:
    """Shipyard's upload pipeline; scanning when ``SHIPYARD_UPLOADS__CLAMD`` is set."""
    from shipyard import App

    app = App(root=Path(os.environ.get("UPLOAD_BENCH_ROOT", tempfile.gettempdir())))

    @app.post("/upload", max_body_size=LIMIT)
    async def upload(uploads: UploadsDep) -> dict[str, Any]:
        return {"size": sum(file.size or 0 for file in uploads.files)}

    return app


def shipyard_uploadfile() -> FastAPI:
    """A Shipyard app (its middleware stack) with FastAPI's ``UploadFile``."""
    from shipyard import App

    app = App(root=Path(os.environ.get("UPLOAD_BENCH_ROOT", tempfile.gettempdir())))

    @app.post("/upload", max_body_size=LIMIT)
    async def upload(file: UploadFile) -> dict[str, Any]:
        return {"size": file.size}

    return app


def fastapi() -> FastAPI:
    """FastAPI's own ``UploadFile``."""
    app = FastAPI()

    @app.post("/upload")
    async def upload(file: UploadFile) -> dict[str, Any]:
        return {"size": file.size}

    return app


# -- measuring -----------------------------------------------------------------------------


def body(size: int) -> Iterator[bytes]:
    """A multipart body with one file of ``size`` bytes (a multiple of 1 MiB), generated."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="b.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    for _ in range(size // len(CHUNK)):
        yield CHUNK
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


class PeakRss:
    """The highest RSS of a process, sampled every 20 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()


@dataclass
class Result:
    app: str
    size: int
    mb_per_s: float
    peak_rss_mb: float


def upload(client: httpx.Client, url: str, size: int) -> float:
    """Seconds to send one ``size`` upload and read the answer."""
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    started = time.perf_counter()
    response = client.post(f"{url}/upload", content=body(size), headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or response.json()["size"] != size:
        raise RuntimeError(f"the upload failed: {response.status_code} {response.text[:300]}")
    return elapsed


def run_app(app: str, sizes: Sequence[int], runs: int, env: dict[str, str]) -> list[Result]:
    """Serve ``app`` with one uvicorn worker, upload each size ``runs`` times, stop it."""
    factory = "shipyard" if app == "shipyard-scan" else app.replace("-", "_")
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        log = Path(workdir) / "server.log"
        command = [
            sys.executable, "-m", "uvicorn", "--factory", f"benchmarks.uploads:{factory}",
            "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        extra = {"PYTHONPATH": f"{ROOT}:{ROOT / 'src'}", "UPLOAD_BENCH_ROOT": workdir, **env}
        server = spawn_logged(command, log, ROOT, extra)
        url = f"http://{HOST}:{port}"
        try:
            _wait(url, server, log)
            with httpx.Client(timeout=3600) as client:
                upload(client, url, len(CHUNK))
                pid = worker_pid(server)
                baseline = psutil.Process(pid).memory_info().rss
                results = []
                for size in sizes:
                    times = []
                    with PeakRss(pid) as rss:
                        for _ in range(runs if size < 2**30 else 1):
                            times.append(upload(client, url, size))
                    best = sorted(times)[len(times) // 2]
                    growth = (rss.peak - baseline) / 1e6
                    results.append(Result(app, size, size / best / 1e6, growth))
                return results
        finally:
            stop_group(server, STOP_TIMEOUT)


def _wait(url: str, server: Any, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log_tail(log, 20)}")
        try:
            httpx.get(f"{url}/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start:\n{log_tail(log, 20)}")


def markdown(results: Sequence[Result]) -> str:
    lines = [
        "| app | file | throughput (MB/s) | peak RSS growth (MB) |",
        "|---|---|---:|---:|",
    ]
    for result in results:
        size = f"{result.size / 2**20:g} MiB"
        lines.append(
            f"| {result.app} | {size} | {result.mb_per_s:.0f} | {result.peak_rss_mb:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10MB,1GB", help="comma-separated, e.g. 10MB,1GB")
    parser.add_argument("--runs", type=int, default=5, help="uploads per size under 1 GB")
    parser.add_argument("--clamd", help="a clamd address: also measure shipyard with scanning")
    parser.add_argument("--scan-limit", default="60MB", help="largest size sent to clamd")
    args = parser.parse_args(argv)
    sizes = [parse_size(size) for size in args.sizes.split(",")]
    plain = {"SHIPYARD_UPLOADS__MAX_FILE_SIZE": str(LIMIT),
             "SHIPYARD_UPLOADS__MAX_REQUEST_SIZE": str(LIMIT)}  # fmt: skip
    results = run_app("fastapi", sizes, args.runs, {})
    results += run_app("shipyard-uploadfile", sizes, args.runs, {})
    results += run_app("shipyard", sizes, args.runs, plain)
    if args.clamd:
        scanned = [size for size in sizes if size <= parse_size(args.scan_limit)]
        scan_env = {**plain, "SHIPYARD_UPLOADS__CLAMD": args.clamd,
                    "SHIPYARD_UPLOADS__WHEN_SCANNER_DOWN": "fail_closed"}  # fmt: skip
        results += run_app("shipyard-scan", scanned, args.runs, scan_env)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
