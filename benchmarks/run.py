"""Run the benchmark: start each app under one server, load it with wrk, print a table.

Usage (from the repository root; ``python benchmarks/run.py`` works too)::

    python -m benchmarks.run                     # frameworks and servers, 10 s each
    python -m benchmarks.run --cases pages --output BENCHMARKS.md   # the page figures
    python -m benchmarks.run --cases frameworks --duration 5 --output results.md

Each case starts a fresh server process on a free loopback port, waits until its group's
endpoint returns the expected body (:mod:`benchmarks.probes`), warms up, measures with
``wrk --latency``, and stops the server. With ``taskset`` and at least two CPUs, the
server is pinned to every CPU but the last and wrk to the last one, so the two never
compete for a core.

Case groups:

* ``frameworks``: Shipyard, FastAPI, Starlette and Litestar under the same server
  (``--server``), one worker; ratios against bare FastAPI.
* ``servers``: the Shipyard app under uvicorn and granian with one and two workers;
  ratios against uvicorn with one worker. This decides the server ``shipyard run`` uses.
* ``pages``: one HTML page with a layout, a session, a CSRF token and a flash message
  (:mod:`benchmarks.pages`) in Shipyard (database and Redis sessions), hand-assembled
  FastAPI and Django, one worker; ratios against the FastAPI page. The load carries the
  session cookie of a first visit. Django also runs as production deploys it
  (``page-django-gunicorn``): WSGI under gunicorn with sync workers, as many as gunicorn
  recommends for the server's CPUs (:func:`gunicorn_workers`).
* ``auth``: the same Shipyard JSON endpoint without authentication, behind
  ``current_user`` with a login session (database and Redis sessions), a bearer JWT and an
  ``X-API-Key``, and behind a per-route ``RateLimit`` (memory and Redis storage)
  (:mod:`benchmarks.auth`), one worker; ratios against the unguarded endpoint. A setup
  step creates the user and the credential before the server starts; wrk sends it.
* ``pagination``: one list endpoint with sort, filter and field selection over 1,000,000
  PostgreSQL rows (:mod:`benchmarks.listing`), Shipyard's ``Listing`` + ``paginate`` vs
  the same endpoint by hand on FastAPI + SQLAlchemy; ratios against the hand-written one.
  A setup step fills the database first (:mod:`benchmarks.pagination_db`). The page-depth
  timings (cursor vs OFFSET) are in-process: :mod:`benchmarks.page_depth`.
* ``cache``: one endpoint whose body costs a SQLite query (:mod:`benchmarks.cache`),
  uncached and behind Shipyard's ``@cache`` (memory, Redis), fastapi-cache2 and cashews
  (memory, Redis), one worker; ratios against uncached FastAPI. Needs Redis
  (``SHIPYARD_BENCH_REDIS_URL``).
* ``jobs``: no server and no wrk: Shipyard's job backends against arq, SAQ, taskiq,
  dramatiq, Celery and procrastinate (:mod:`benchmarks.jobs`), written to the ``jobs``
  region of ``--output`` whatever else runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as `python benchmarks/run.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil
from rich.console import Console

from benchmarks import (
    auth,
    django_page,
    instrumentator_apps,
    listing,
    pages,
    pagination_db,
    policies,
    report,
)
from benchmarks import cache as cache_bench
from benchmarks.apps import FACTORIES
from benchmarks.apps import PATH as JSON_PATH
from benchmarks.jobs import cli as jobs_cli
from benchmarks.page_data import SCRATCH_ENV
from benchmarks.peer_env import peer_python
from benchmarks.probes import PROBES, Probe, session_problem
from benchmarks.processes import log_tail, spawn_logged, stop_group
from benchmarks.wrk import WrkOutputError, WrkResult, parse

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("uvicorn", "granian")
"""The ASGI servers: ``--server`` choices and the ``servers`` group."""
INSTALL_HINTS = {
    "granian": "pip install 'shipyard[granian]'",
    "gunicorn": "pip install gunicorn",
}
"""Servers that are optional dependencies -> how to install them."""
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


class BenchmarkError(Exception):
    """The benchmark cannot run (missing tool, server that does not start, bad report)."""


@dataclass(frozen=True)
class Case:
    """One thing to measure: a framework's app under a server with N workers."""

    group: str
    name: str
    framework: str
    server: str
    workers: int
    module: str = "benchmarks.apps"
    """The module holding the ``<framework>_app`` factory."""
    peer_env: bool = False
    """Served from the peer environment (:mod:`benchmarks.peer_env`), not this one."""


def gunicorn_workers(cpus: int) -> int:
    """gunicorn's recommended number of sync workers for ``cpus`` CPUs: ``2 * cpus + 1``."""
    return 2 * cpus + 1


def all_cases(server: str, server_cpus: int) -> list[Case]:
    """The ``frameworks`` group under ``server``, the ``servers`` group, ``pages``, ``auth``.

    ``server_cpus`` (the CPUs the server may run on) sizes the gunicorn page case.
    """
    frameworks = [Case("frameworks", name.replace("_", "-"), name, server, 1) for name in FACTORIES]
    servers = [
        Case("servers", f"{srv}-w{workers}", "shipyard", srv, workers)
        for srv in SERVERS
        for workers in (1, 2)
    ]
    page_cases = [
        Case("pages", "page-" + name.replace("_", "-"), name, server, 1, pages.__name__)
        for name in pages.FACTORIES
    ]
    page_cases.append(
        Case(
            "pages",
            "page-django-gunicorn",
            "django_wsgi",
            "gunicorn",
            gunicorn_workers(server_cpus),
            django_page.__name__,
        )
    )
    auth_cases = [
        Case("auth", "auth-" + name.replace("_", "-"), name, server, 1, auth.__name__)
        for name in auth.FACTORIES
    ]
    list_cases = [
        Case("pagination", "list-" + name, name, server, 1, listing.__name__)
        for name in listing.FACTORIES
    ]
    cache_cases = [
        Case("cache", "cache-" + name.replace("_", "-"), name, server, 1, cache_bench.__name__)
        for name in cache_bench.FACTORIES
    ]
    observability = [
        Case("observability", "obs-" + name.replace("_", "-"), name, server, 1)
        for name in ("shipyard_quiet", "shipyard", "shipyard_traced", "shipyard_traced_10")
    ] + [
        Case("observability", "obs-peer-" + name.replace("_", "-"), name, server, 1,
             instrumentator_apps.__name__, peer_env=True)
        for name in ("fastapi", "fastapi_instrumented")
    ]  # fmt: skip
    policy_pairs = {"policies": ("view", "view_authorize"), "scopes": ("list", "list_scoped")}
    policy_cases = [
        Case(group, "policy-" + name.replace("_", "-"), name, server, 1, policies.__name__)
        for group, names in policy_pairs.items()
        for name in names
    ]
    return [
        *frameworks, *servers, *page_cases, *auth_cases, *list_cases, *cache_cases,
        *observability, *policy_cases,
    ]  # fmt: skip


GROUPS = {
    "frameworks": ("Frameworks: GET /json, one worker", "fastapi"),
    "servers": ("Servers: the Shipyard app, GET /json", "uvicorn-w1"),
    "pages": (
        "Pages: GET /page with layout, session, CSRF token and flash, one worker "
        "(gunicorn: 2 * cores + 1 sync workers)",
        "page-fastapi",
    ),
    "auth": ("Authentication and rate limiting: the Shipyard GET /json, one worker", "auth-none"),
    "pagination": (
        f"Pagination: GET {listing.PATH}?{listing.QUERY}, 1,000,000 rows, one worker",
        "list-fastapi",
    ),
    "observability": (
        "Logs, metrics and tracing: GET /json, one worker (the peer pair on FastAPI 0.120, "
        "the last before Starlette 1, which the instrumentator requires)",
        "obs-shipyard-quiet",
    ),
    "cache": (
        f"Caching: GET {cache_bench.PATH}, a {cache_bench.LIMIT}-row query cached on memory and "
        "Redis, one worker",
        "cache-fastapi-uncached",
    ),
    "policies": (
        f"Policies: GET {policies.VIEW_PATH} for a signed-in user (bearer JWT), one worker",
        "policy-view",
    ),
    "scopes": (
        f"Policy scopes: GET {policies.LIST_PATH}, the user's first {policies.PAGE} rows, "
        "one worker",
        "policy-list",
    ),
}
"""Group name -> (table title, baseline case name)."""
OWN_SECTIONS = ("pages", "auth", "pagination", "observability", "policies", "scopes", "cache")
"""Groups written to a region of ``--output`` of their own when they run alone."""
JOBS = "jobs"
"""The group measured by :mod:`benchmarks.jobs` (no server, its own region, always)."""


def selected_cases(args: argparse.Namespace) -> list[Case]:
    """The cases ``--cases`` names, sized for the CPUs ``--no-pin`` leaves the server."""
    server_cpus = Pinning.detect(not args.no_pin).server_cpus
    return select(all_cases(args.server, server_cpus), args.cases)


def select(cases: Sequence[Case], wanted: str) -> list[Case]:
    """Cases whose name or group is in the comma-separated ``wanted`` list, in order."""
    names = {name.strip() for name in wanted.split(",") if name.strip()}
    unknown = names - {case.name for case in cases} - set(GROUPS) - {JOBS}
    if unknown or not names:
        known = ", ".join([*GROUPS, JOBS, *(case.name for case in cases)])
        raise BenchmarkError(
            f"--cases: unknown case {', '.join(sorted(unknown))!r}; known: {known}"
        )
    return [case for case in cases if case.name in names or case.group in names]


def server_command(case: Case, port: int) -> list[str]:
    """The same flags for both ASGI servers: uvloop, HTTP/1 parser, no access log, factory.

    gunicorn (WSGI) runs sync workers on the app built once before it forks
    (``--preload``), without access log, as production deploys Django.
    """
    target = f"{case.module}:{case.framework}_app"
    python = str(peer_python()) if case.peer_env else sys.executable
    if case.server == "gunicorn":
        return [
            sys.executable, "-m", "gunicorn", f"{target}()",
            "--bind", f"{HOST}:{port}", "--workers", str(case.workers),
            "--worker-class", "sync", "--preload", "--log-level", "warning",
        ]  # fmt: skip
    common = ["--host", HOST, "--port", str(port), "--workers", str(case.workers)]
    common += ["--factory", "--no-access-log", "--log-level", "warning", "--loop", "uvloop"]
    if case.server == "uvicorn":
        return [python, "-m", "uvicorn", target, *common, "--http", "httptools"]
    return [python, "-m", "granian", target, *common, "--interface", "asgi", "--http", "1"]


@dataclass(frozen=True)
class Pinning:
    """``taskset`` prefixes for the server and for wrk (empty when not pinning)."""

    server: list[str]
    wrk: list[str]
    description: str
    server_cpus: int
    """How many CPUs the server may run on."""

    @classmethod
    def detect(cls, enabled: bool) -> Pinning:
        cpus = sorted(os.sched_getaffinity(0))
        taskset = shutil.which("taskset")
        if not enabled or taskset is None or len(cpus) < 2:
            reason = "disabled (--no-pin)" if not enabled else "taskset or a second CPU missing"
            return cls([], [], f"none: {reason}; server and wrk share all CPUs", len(cpus))
        server_cpus = ",".join(str(cpu) for cpu in cpus[:-1])
        return cls(
            [taskset, "-c", server_cpus],
            [taskset, "-c", str(cpus[-1])],
            f"server on CPU {server_cpus}, wrk on CPU {cpus[-1]} (taskset)",
            len(cpus) - 1,
        )


def free_port() -> int:
    """A port the OS considers free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A server process in its own session, so stopping it stops its workers too."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.log = log
        self.process = spawn_logged(command, log, ROOT, {SCRATCH_ENV: str(log.parent)})

    def wait_ready(
        self, url: str, probe: Probe, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """Poll ``url`` (sending ``headers``) until it gives the probe's answer, returned.

        Fails if the server dies, answers something else or does not answer in time.
        """
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(
                    f"server exited with {self.process.returncode}: {self._tail()}"
                )
            try:
                response = httpx.get(url, headers=headers, timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.1)
                continue
            problem = probe.problem(response)
            if problem is None:
                return response
            raise BenchmarkError(f"{url} answered {problem}: {response.text[:200]!r}")
        raise BenchmarkError(
            f"server did not answer {url} within {READY_TIMEOUT:.0f}s: {self._tail()}"
        )

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server and its worker processes."""
        total = 0.0
        root = psutil.Process(self.process.pid)
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL it if it lingers."""
        stop_group(self.process, STOP_TIMEOUT)

    def _tail(self) -> str:
        return log_tail(self.log)


@dataclass(frozen=True)
class Load:
    """How wrk drives each case."""

    wrk: str
    pinning: Pinning
    threads: int
    connections: int
    duration: int
    warmup: int

    def run(self, url: str, seconds: int, headers: Mapping[str, str]) -> WrkResult:
        command = [*self.pinning.wrk, self.wrk, f"-t{self.threads}", f"-c{self.connections}"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command += [f"-d{seconds}s", "--latency", url]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
        if completed.returncode != 0:
            raise BenchmarkError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
        try:
            return parse(completed.stdout)
        except WrkOutputError as error:
            raise BenchmarkError(str(error)) from None


def case_probe(case: Case, workdir: Path) -> tuple[Probe, dict[str, str]]:
    """The probe a case's server must satisfy and the headers its load starts with.

    ``pagination`` cases fill their database first (once; later cases find it filled).
    ``auth`` cases run their setup step first (:func:`benchmarks.auth.prepare`, on the
    database the server will open): the headers carry the new credential and the probe
    expects the endpoint to name its user.
    """
    if case.group == "pagination":
        asyncio.run(pagination_db.prepare())
        return Probe(f"{listing.PATH}?{listing.QUERY}", listing.items_problem, False), {}
    if case.group == "cache":
        return Probe(cache_bench.PATH, cache_bench.ships_problem, with_session=False), {}
    if case.group in ("policies", "scopes"):
        ready = asyncio.run(policies.prepare(case.framework, policies.root_in(workdir)))
        path = policies.VIEW_PATH if case.group == "policies" else policies.LIST_PATH
        return Probe(path, policies.answer_problem(path), with_session=False), ready.headers
    if case.group != "auth":
        return PROBES[case.group], {}
    prepared = asyncio.run(auth.prepare(case.framework, auth.root_in(workdir)))
    return Probe(JSON_PATH, prepared.problem, with_session=False), prepared.headers


def measure(case: Case, load: Load, workdir: Path) -> report.Measurement:
    """Set the case up, start its server, wait for it, warm up, measure, check, stop it.

    Every wrk request carries the setup's credential headers and, for groups whose probe
    opens a session, the first answer's cookies. One request after the load must still
    get the expected answer (for sessions: show the session was kept).
    """
    probe, headers = case_probe(case, workdir)
    port = free_port()
    url = f"http://{HOST}:{port}{probe.path}"
    command = [*load.pinning.server, *server_command(case, port)]
    server = Server(command, workdir / f"{case.group}-{case.name}.log")
    try:
        first = server.wait_ready(url, probe, headers)
        headers = {**headers, **probe.headers(first)}
        if load.warmup:
            load.run(url, load.warmup, headers)
        cpu_before, started = server.cpu_seconds(), time.monotonic()
        result = load.run(url, load.duration, headers)
        seconds, cpu = time.monotonic() - started, server.cpu_seconds() - cpu_before
        after = httpx.get(url, headers=headers, timeout=10.0)
        problem = session_problem(after) if probe.with_session else probe.problem(after)
        if problem is not None:
            raise BenchmarkError(f"{case.name}: after the load, {url} answered {problem}")
        body_bytes = len(first.content) if probe.with_session else None
        return report.Measurement(result, seconds, cpu, body_bytes=body_bytes)
    finally:
        server.stop()


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
        return value

    return convert


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Serve each benchmark app under one server and load it with wrk.",
        epilog="example: python -m benchmarks.run --cases frameworks --duration 10 "
        "--output results.md",
    )
    parser.add_argument("--duration", type=at_least(1), default=10, help="seconds per case (10)")
    parser.add_argument(
        "--warmup", type=at_least(0), default=2, help="warm-up seconds per case (2)"
    )
    parser.add_argument("--connections", type=at_least(1), default=64, help="open connections (64)")
    parser.add_argument("--threads", type=at_least(1), default=1, help="wrk threads (1)")
    parser.add_argument(
        "--rounds",
        type=at_least(1),
        default=1,
        help="measure every case N times, interleaved; report the median (1)",
    )
    parser.add_argument(
        "--cases",
        default="frameworks,servers,jobs",
        help="comma-separated case or group names: frameworks, servers, pages, auth, "
        "pagination, cache, observability, jobs "
        "(frameworks,servers,jobs)",
    )
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="uvicorn",
        help="server for the frameworks group (uvicorn)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin CPUs with taskset")
    parser.add_argument("--output", type=Path, help="also write the results as Markdown here")
    parser.add_argument(
        "--section",
        help="the marked region of --output to replace (default: 'pages', 'auth' or "
        "'pagination' when only that group's cases run, else 'results')",
    )
    return parser.parse_args(argv)


def output_section(args: argparse.Namespace) -> str:
    """The region of ``--output`` to write: ``--section``, or guessed from ``--cases``.

    Page and auth figures have their own regions, so running one group alone keeps the
    others.
    """
    if args.section:
        return str(args.section)
    groups = {case.group for case in selected_cases(args)}
    if len(groups) == 1 and (only := groups.pop()) in OWN_SECTIONS:
        return only
    return report.SECTION


def benchmark(args: argparse.Namespace, console: Console) -> str:
    """Run the selected cases and print the tables; return the Markdown report."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchmarkError("wrk is not installed; install it with `apt-get install wrk`")
    cases = selected_cases(args)
    for server, hint in INSTALL_HINTS.items():
        needed = any(case.server == server for case in cases)
        if needed and importlib.util.find_spec(server) is None:
            raise BenchmarkError(f"{server} is not installed; install it with `{hint}`")
    pinning = Pinning.detect(not args.no_pin)
    load = Load(wrk, pinning, args.threads, args.connections, args.duration, args.warmup)
    info = report.machine_info(wrk, pinning.description)
    runs: dict[Case, list[report.Measurement]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory(prefix="shipyard-bench-") as tmp:
        for round_number in range(1, args.rounds + 1):
            for case in cases:
                console.log(
                    f"round {round_number}/{args.rounds}: {case.group} {case.name} "
                    f"({case.server}, {case.workers} worker(s))"
                )
                runs[case].append(measure(case, load, Path(tmp)))
    one, five, _ = os.getloadavg()
    info["Load average after the run (1 min, 5 min)"] = f"{one:.2f}, {five:.2f}"
    info["Load"] = (
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency after a "
        f"{args.warmup}s warm-up; {args.rounds} round(s) interleaved, the median round shown"
    )
    if any(case.group in PROBES and PROBES[case.group].with_session for case in cases):
        info["Sessions"] = (
            "page cases: wrk sends the cookies of a first visit with every request "
            '(-H "Cookie: ..."), so each request reads and writes that session'
        )
    if any(case.group == "auth" for case in cases):
        info["Credentials"] = (
            "auth cases: a setup step creates the user and a fresh session, JWT or API key "
            "before the server starts; wrk sends it with every request (-H)"
        )
    sections = [report.markdown_machine(info)]
    for group_name, (title, baseline) in GROUPS.items():
        rows = [
            report.Row(case.name, case.server, case.workers, runs[case])
            for case in cases
            if case.group == group_name
        ]
        if rows:
            group = report.Group(title, baseline, rows)
            report.print_group(console, group)
            sections.append(report.markdown_group(group))
    for key, value in info.items():
        console.print(f"{key}: {value}", markup=False, highlight=False)
    return "\n\n".join(sections) + "\n"


def check_output_region(args: argparse.Namespace) -> None:
    """Refuse, before measuring, an existing ``--output`` without the region to rewrite
    (writing would replace the whole file)."""
    output: Path | None = args.output
    section = output_section(args)
    if output is not None and output.exists() and not report.has_region(output, section):
        first, last = report.markers(section)
        raise BenchmarkError(f"{output} has no {section!r} region; add {first} and {last}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the benchmark, write ``--output``; one-line errors, exit 1.

    The ``jobs`` group runs after the server cases and goes to its own region.
    """
    args = parse_args(argv)
    try:
        check_output_region(args)
        served = selected_cases(args)
        markdown = benchmark(args, Console()) if served else None
    except BenchmarkError as error:
        Console(stderr=True, soft_wrap=True).print(f"error: {error}", markup=False, highlight=False)
        return 1
    if args.output is not None and markdown is not None:
        report.write(args.output, markdown, output_section(args))
        Console().print(f"wrote {args.output}", highlight=False)
    if JOBS in {name.strip() for name in args.cases.split(",")}:
        jobs_argv = [] if args.output is None else ["--output", str(args.output)]
        return jobs_cli.main(jobs_argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
