"""Instructions per request, counted by callgrind: what each layer of the stack costs.

Usage (from the repository root, with Debian's ``valgrind``)::

    python -m benchmarks.instructions                          # print the table
    python -m benchmarks.instructions --output BENCHMARKS.md   # also write its region

Timings on a shared two-core machine move by 20-50% with whatever else runs; the number
of instructions the CPU executes for one request does not. Each variant of the ``GET
/json`` app (:mod:`benchmarks.apps`) is driven in process (ASGI calls, no server, no
socket) under ``valgrind --tool=callgrind`` with instrumentation off until the app has
started and served a warm-up; then it is switched on (``callgrind_control -i on``) for
``N`` requests. Two runs, ``N`` and ``3N`` requests, and their difference over ``2N``
gives the instructions of one request with the start-up and the switching cancelled out.

The variants: bare FastAPI; the default Shipyard app; the same app without its access
line, without its metrics, without both (``quiet``); ``quiet`` without one framework
middleware at a time (the layer's cost is ``quiet`` minus that row); ``quiet`` with
no framework middleware at all (the cost of the app itself over FastAPI); and the
``auth`` apps (:mod:`benchmarks.auth`): ``current_user`` with a login session, a JWT or
an API key, and the same endpoint without it, each set up (user, credential) in a scratch
folder before counting. Nothing here is a test: no count decides whether CI passes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if not __package__:  # run as `python benchmarks/instructions.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import auth, page_data, pages, report
from benchmarks.apps import PATH, fastapi_app, shipyard_with
from shipyard import App

SECTION = "instructions"
"""The marked region of ``--output`` this probe writes."""
WARMUP = 300
QUIET: dict[str, Any] = {"logging": {"access_log": False}, "metrics": {"enabled": False}}
LAYERS = (
    "RequestContextMiddleware",
    "SecurityHeadersMiddleware",
    "AllowedHostsMiddleware",
    "BodyLimitMiddleware",
    "RequestSessionMiddleware",
    "SessionMiddleware",
    "RateLimitMiddleware",
    "CsrfMiddleware",
    "CacheMiddleware",
)
"""The framework middleware of the default app, outermost first."""
AUTH_VARIANTS = ("none", "session", "jwt", "api_key")
"""The ``auth`` apps counted: ``current_user`` by credential, and the same endpoint without."""


class InstructionsError(Exception):
    """A variant could not be counted (valgrind missing, the app failing)."""


Headers = Sequence[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Variant:
    """One app to count: its name, its settings sections and the middleware it drops, or
    the ``auth`` benchmark variant (:mod:`benchmarks.auth`) it serves."""

    name: str
    sections: dict[str, Any] | None
    """Settings sections of a Shipyard app; None for bare FastAPI (or an ``auth`` app)."""
    without: tuple[str, ...] = ()
    auth: str | None = None
    """The :data:`benchmarks.auth.VARIANTS` name this variant serves, if any."""
    page: bool = False
    """Serves the ``pages`` benchmark's page instead: Shipyard's (sessions on the database),
    or with ``sections`` None the hand-built FastAPI page."""

    def build(self) -> Any:
        """The ASGI app, with the ``without`` middleware taken out of its plan."""
        if self.auth is not None:
            raise InstructionsError(f"{self.name} needs its credential: use prepared()")
        if self.sections is None:
            return fastapi_app()
        app = shipyard_with(self.sections)
        assert isinstance(app, App)
        for entries in app.middleware_plan.entries.values():
            entries[:] = [e for e in entries if getattr(e.cls, "__name__", "") not in self.without]
        return app

    async def prepared(self, scratch: Path) -> Served:
        """The app and what its requests send (its files under ``scratch``)."""
        if self.page and self.sections is None:
            return Served(pages.fastapi_app(), page_data.PATH, first_visit=True)
        if self.page:
            app = pages.shipyard_page_app({"backend": "database"}, **(self.sections or {}))
            return Served(app, page_data.PATH, first_visit=True)
        if self.auth is None:
            return Served(self.build())
        root = auth.root_in(scratch)
        ready = await auth.prepare(self.auth, root)
        headers = [(name.lower().encode(), value.encode()) for name, value in ready.headers.items()]
        return Served(auth.build(self.auth, root), credentials=headers)


@dataclass(frozen=True)
class Served:
    """An app to drive and what each request sends: path, credential headers, and whether
    the cookies of a first visit go with every request (as wrk's page cases send them)."""

    app: Any
    path: str = PATH
    credentials: Headers = ()
    first_visit: bool = False


VARIANTS: tuple[Variant, ...] = (
    Variant("fastapi", None),
    Variant("shipyard", {}),
    Variant("shipyard-no-access-line", {"logging": {"access_log": False}}),
    Variant("shipyard-no-metrics", {"metrics": {"enabled": False}}),
    Variant("quiet", QUIET),
    *(Variant(f"quiet-without-{layer}", QUIET, (layer,)) for layer in LAYERS),
    Variant("quiet-without-any-middleware", QUIET, LAYERS),
    *(Variant(f"auth-{name.replace('_', '-')}", None, auth=name) for name in AUTH_VARIANTS),
    Variant("page-fastapi", None, page=True),
    Variant("page", {}, page=True),
    Variant("page-quiet", QUIET, page=True),
)
BY_NAME = {variant.name: variant for variant in VARIANTS}


# -- the driver (runs inside valgrind) ---------------------------------------------------


def _scope(state: dict[str, Any], path: str, credentials: Headers) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"wrk"),
            (b"accept", b"*/*"),
            *credentials,
        ],
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 8000),
        "state": dict(state),
    }


async def drive(served: Served, requests: int, switch: Callable[[bool], None]) -> list[int]:
    """Start the app, serve a warm-up, then ``requests`` requests between ``switch(True)``
    and ``switch(False)``, each sending what ``served`` says; the counted ones' statuses."""
    app = served.app
    state: dict[str, Any] = {}
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await events.put({"type": "lifespan.startup"})
    answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    lifespan = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": state}
    runner = asyncio.create_task(app(lifespan, events.get, answers.put))
    answer = await answers.get()
    if answer["type"] != "lifespan.startup.complete":
        raise InstructionsError(f"the app did not start: {answer.get('message', answer)}")
    body = {"type": "http.request", "body": b"", "more_body": False}
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return body

    cookies: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
            cookies.extend(v.split(b";")[0] for k, v in message["headers"] if k == b"set-cookie")

    credentials = list(served.credentials)
    if served.first_visit:
        await app(_scope(state, served.path, credentials), receive, send)
        credentials.append((b"cookie", b"; ".join(cookies)))
    for _ in range(WARMUP):
        await app(_scope(state, served.path, credentials), receive, send)
    statuses.clear()
    # What start-up and warm-up left is frozen out of the collector: otherwise a full
    # collection walking the whole app falls in one counted run and not the other, and
    # moves the per-request figure by ~150,000 instructions from one commit to the next.
    gc.collect()
    gc.freeze()
    switch(True)
    for _ in range(requests):
        await app(_scope(state, served.path, credentials), receive, send)
    switch(False)
    gc.unfreeze()
    await events.put({"type": "lifespan.shutdown"})
    await runner
    return statuses


def serve_counted(variant: Variant, requests: int) -> int:
    """Inside valgrind: set the variant up, serve and count; 0 if every answer was a 200."""
    with tempfile.TemporaryDirectory() as scratch:

        async def serve() -> list[int]:
            return await drive(await variant.prepared(Path(scratch)), requests, _callgrind_switch)

        statuses = asyncio.run(serve())
    return 0 if set(statuses) == {200} else 1


def _callgrind_switch(on: bool) -> None:
    command = ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


# -- the orchestrator --------------------------------------------------------------------


def count(variant: Variant, requests: int) -> int:
    """Instructions callgrind counted while the driver served ``requests`` requests."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            "--drive",
            variant.name,
            "--requests",
            str(requests),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = " ".join(done.stderr.strip().splitlines()[-3:])
            raise InstructionsError(f"{variant.name}: valgrind exited {done.returncode}: {tail}")
        return totals(out.read_text())


def totals(callgrind_output: str) -> int:
    """The ``totals:`` line of a callgrind output file (instructions, ``Ir``)."""
    for line in callgrind_output.splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise InstructionsError("callgrind wrote no totals line")


def per_request(variant: Variant, requests: int) -> int:
    """Instructions of one request: ``(count(3N) - count(N)) / 2N``."""
    return (count(variant, 3 * requests) - count(variant, requests)) // (2 * requests)


def markdown(counts: dict[str, int], requests: int) -> str:
    """The region: machine lines, then one row per variant with its ratio and layer cost."""
    fastapi, quiet = counts["fastapi"], counts["quiet"]
    lines = [
        report.markdown_machine(
            report.probe_info(
                {
                    "Counted by": "valgrind --tool=callgrind (instructions executed, Ir)",
                    "Requests": f"({3 * requests} - {requests}) / {2 * requests} in process, "
                    f"GET {PATH}, after {WARMUP} warm-up requests",
                }
            )
        ),
        "",
        "| variant | instructions per request | vs FastAPI | layer's cost (quiet minus row) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, value in counts.items():
        if name.startswith(("auth-", "page")):
            continue
        cost = f"{quiet - value:,}" if name.startswith("quiet-") else "-"
        lines.append(f"| {name} | {value:,} | {value / fastapi:.2f} | {cost} |")
    lines += _ratio_table(
        counts,
        "auth-",
        "auth-none",
        "`current_user` by credential (the `auth` apps; the endpoint without it over the row):",
    )
    page_baseline = "page-fastapi" if "page-fastapi" in counts else "page-quiet"
    lines += _ratio_table(
        counts,
        "page",
        page_baseline,
        "The `pages` group's page (layout, session written, CSRF token, flash; sessions on "
        "SQLite), with the access line and metrics and without (`page-quiet`), against "
        f"`{page_baseline}`:",
    )
    return "\n".join(lines) + "\n"


def _ratio_table(counts: dict[str, int], prefix: str, baseline: str, caption: str) -> list[str]:
    """The rows named ``prefix...``, each with ``baseline`` over the row (as req/s would
    compare); nothing when ``baseline`` was not counted."""
    reference = counts.get(baseline)
    if reference is None:
        return []
    return [
        "",
        caption,
        "",
        f"| variant | instructions per request | {baseline} / variant |",
        "| --- | ---: | ---: |",
        *(
            f"| {name} | {value:,} | {reference / value:.2f} |"
            for name, value in counts.items()
            if name.startswith(prefix)
        ),
    ]


def measure(names: Sequence[str], requests: int, progress: Callable[[str], None]) -> str:
    """Count every variant in ``names`` (fastapi and quiet always) and render the region."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise InstructionsError("valgrind is not installed (apt-get install valgrind)")
    wanted = ["fastapi", "quiet", *(name for name in names if name not in ("fastapi", "quiet"))]
    counts: dict[str, int] = {}
    for name in sorted(wanted, key=[variant.name for variant in VARIANTS].index):
        progress(f"counting {name} ...")
        counts[name] = per_request(BY_NAME[name], requests)
    return markdown(counts, requests)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.instructions",
        description="Count the instructions of one GET /json per variant and layer (callgrind).",
        epilog="example: python -m benchmarks.instructions --variants shipyard,quiet",
    )
    parser.add_argument(
        "--variants",
        default=",".join(variant.name for variant in VARIANTS),
        help="comma-separated variant names (default: all)",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="N: runs of N and 3N requests (200)"
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # inside valgrind: serve requests
    report.output_option(parser, SECTION)
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.variants.split(",") if name.strip()]
    unknown = [
        name for name in [*names, *([args.drive] if args.drive else [])] if name not in BY_NAME
    ]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    if args.requests < 1:
        parser.error("--requests must be >= 1")
    args.names = names
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: count, print the table, write ``--output``; one-line errors, exit 1."""
    args = parse_args(argv)
    if args.drive:
        return serve_counted(BY_NAME[args.drive], args.requests)

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    return report.run_probe(
        args.output,
        SECTION,
        lambda: measure(args.names, args.requests, progress),
        InstructionsError,
    )


if __name__ == "__main__":
    sys.exit(main())
