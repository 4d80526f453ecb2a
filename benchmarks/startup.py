"""Startup and memory of the showcase: time to the first response, import time, idle RSS.

Usage (from the repository root)::

    python -m benchmarks.startup                          # print the table
    python -m benchmarks.startup --output BENCHMARKS.md   # also write its region

The showcase (``examples/showcase``) runs in the ``production`` profile, its secret key,
database URL (SQLite, migrated once before the first run) and https base URL given in
the environment, as a deployment gives them. Each run measures:

* **first response**: the wall time from spawning ``shipyard run --workers 1`` until
  ``GET /`` answers 200, polled every few milliseconds: interpreter start, imports, app
  build, server start, lifespan and the first request.
* **import + build**: in a fresh interpreter, the time ``import app.main`` takes (the
  module builds the app on import).
* **idle worker RSS**: ``VmRSS`` from ``/proc/<pid>/status`` of the server's worker
  process, after the first response and an idle pause.

The table shows the median of the runs (3 by default). Nothing here is a test: the
targets (first response < 1 s, idle RSS < 100 MB) are reported, not enforced.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as `python benchmarks/startup.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil

from benchmarks import report
from benchmarks.processes import log_tail, spawn_logged, stop_group
from shipyard.testing.services import free_port

ROOT = Path(__file__).resolve().parent.parent
SHOWCASE = ROOT / "examples" / "showcase"
SHIPYARD = Path(sys.executable).with_name("shipyard")
HOST = "127.0.0.1"
SECTION = "startup"
"""The marked region of ``--output`` this probe writes."""
POLL_INTERVAL = 0.005
STOP_TIMEOUT = 15.0
FIRST_RESPONSE_TARGET = 1.0
RSS_TARGET_MB = 100.0
IMPORT_SNIPPET = (
    "import time\n"
    "started, cpu = time.perf_counter(), time.process_time()\n"
    "import app.main\n"
    "print(time.perf_counter() - started, time.process_time() - cpu)\n"
)


class StartupError(Exception):
    """The probe cannot measure (CLI missing, server that fails or does not answer)."""


@dataclass(frozen=True)
class Config:
    """How many runs, how long the worker idles before its RSS is read, how long to wait."""

    runs: int = 3
    idle_seconds: float = 2.0
    timeout: float = 60.0


@dataclass(frozen=True)
class Sample:
    """One run's figures."""

    first_response_seconds: float
    import_seconds: float
    import_cpu_seconds: float
    """CPU time of the import: what it costs when other processes share the CPU."""
    idle_rss_mb: float
    status: int
    """The status of the first answer to ``GET /`` (200 when the run counts)."""


def showcase_env(workdir: Path) -> dict[str, str]:
    """The production profile's required settings, pointing at files under ``workdir``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    env.update(
        SHIPYARD_PROFILE="production",
        SHIPYARD_APP__SECRET_KEY=secrets.token_urlsafe(48),
        SHIPYARD_APP__BASE_URL=f"https://{HOST}",  # production refuses a plain-http base URL
        SHIPYARD_DATABASE__URL=f"sqlite+aiosqlite:///{workdir / 'showcase.db'}",
        SHIPYARD_MAIL__FILE_DIR=str(workdir / "mail"),
    )
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    if not SHIPYARD.exists():
        raise StartupError(f"{SHIPYARD} is missing; install the project with `pip install -e .`")
    result = subprocess.run(  # nosec B603  # our own CLI, fixed arguments
        [str(SHIPYARD), *args], cwd=SHOWCASE, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise StartupError(f"shipyard {' '.join(args)} failed: {result.stderr.strip()}")


def import_seconds(env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds a fresh interpreter takes to ``import app.main`` (builds the app)."""
    result = subprocess.run(  # nosec B603  # our own interpreter and snippet
        [sys.executable, "-c", IMPORT_SNIPPET],
        cwd=SHOWCASE,
        env={**env, "PYTHONPATH": os.pathsep.join([str(SHOWCASE), env.get("PYTHONPATH", "")])},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StartupError(f"import app.main failed: {result.stderr.strip()[-500:]}")
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def rss_mb(pid: int) -> float:
    """``VmRSS`` of process ``pid`` in MB (10^6 bytes), from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise StartupError(f"/proc/{pid}/status has no VmRSS line")


def worker_pid(server: subprocess.Popen[bytes]) -> int:
    """The process serving requests: the server's one worker, or the server itself.

    granian and uvicorn with several workers run them as child processes of a
    supervisor; uvicorn with one worker serves in its own process.
    """
    children = psutil.Process(server.pid).children(recursive=True)
    return children[-1].pid if children else server.pid


def first_response(
    server: subprocess.Popen[bytes], url: str, started: float, config: Config, log: Path
) -> tuple[float, int]:
    """Poll ``url`` until it answers; return (seconds since ``started``, its status)."""
    deadline = started + config.timeout
    with httpx.Client(timeout=5.0) as client:
        while time.perf_counter() < deadline:
            if server.poll() is not None:
                raise StartupError(f"the server exited with {server.returncode}: {log_tail(log)}")
            try:
                response = client.get(url)
            except httpx.TransportError:
                time.sleep(POLL_INTERVAL)
                continue
            return time.perf_counter() - started, response.status_code
    raise StartupError(f"{url} did not answer within {config.timeout:.0f}s: {log_tail(log)}")


def measure_once(workdir: Path, env: dict[str, str], config: Config) -> Sample:
    """One run: spawn ``shipyard run --workers 1``, time its first answer, read its RSS."""
    port = free_port()
    command = [str(SHIPYARD), "run", "--workers", "1", "--host", HOST, "--port", str(port)]
    log = workdir / f"server-{port}.log"
    started = time.perf_counter()
    server = spawn_logged(command, log, SHOWCASE, env)
    try:
        seconds, status = first_response(server, f"http://{HOST}:{port}/", started, config, log)
        if status != 200:
            raise StartupError(f"GET / answered {status}, not 200: {log_tail(log)}")
        time.sleep(config.idle_seconds)
        memory = rss_mb(worker_pid(server))
    finally:
        stop_group(server, STOP_TIMEOUT)
    return Sample(seconds, *import_seconds(env), memory, status)


def measure(config: Config) -> list[Sample]:
    """Migrate a fresh showcase database once, then take ``config.runs`` samples."""
    with tempfile.TemporaryDirectory(prefix="shipyard-startup-") as tmp:
        workdir = Path(tmp)
        env = showcase_env(workdir)
        _cli(env, "db", "upgrade")
        return [measure_once(workdir, env, config) for _ in range(config.runs)]


def markdown(samples: Sequence[Sample], config: Config) -> str:
    """The machine line and the table of medians (with each run's figures)."""

    def seconds(values: list[float]) -> str:
        return report.median_cells(values, "s", 2)

    details = {
        "App": "examples/showcase, production profile, `shipyard run --workers 1`, SQLite",
        "Runs": f"{len(samples)}, median shown; worker idle {config.idle_seconds:g} s "
        "before its RSS is read",
    }
    return report.probe_markdown(
        details,
        "median",
        "target",
        [
            (
                "first response (spawn to `GET /` 200)",
                seconds([sample.first_response_seconds for sample in samples]),
                f"< {FIRST_RESPONSE_TARGET:g} s",
            ),
            (
                "`import app.main` (builds the app)",
                seconds([sample.import_seconds for sample in samples]),
                "-",
            ),
            (
                "`import app.main`, CPU time",
                seconds([sample.import_cpu_seconds for sample in samples]),
                "-",
            ),
            (
                "idle worker RSS",
                report.median_cells([sample.idle_rss_mb for sample in samples], "MB", 2),
                f"< {RSS_TARGET_MB:g} MB",
            ),
        ],
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.startup",
        description="Time the showcase's first response and import, read its idle RSS.",
        epilog="example: python -m benchmarks.startup --output BENCHMARKS.md",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is shown (3)")
    parser.add_argument(
        "--idle", type=float, default=2.0, help="seconds idle before reading RSS (2)"
    )
    report.output_option(parser, SECTION)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.idle < 0:
        parser.error("--runs must be >= 1 and --idle >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: measure, print the table, write ``--output``; one-line errors, exit 1."""
    args = parse_args(argv)
    config = Config(runs=args.runs, idle_seconds=args.idle)
    return report.run_probe(
        args.output, SECTION, lambda: markdown(measure(config), config), StartupError
    )


if __name__ == "__main__":
    sys.exit(main())
