"""Mail: 1,000 mails delivered to a local SMTP server, Shipyard vs fastapi-mail.

Usage (from the repository root)::

    python -m benchmarks.mail                          # 1,000 mails, print the table
    python -m benchmarks.mail --output BENCHMARKS.md   # rewrite the `mail` region

The SMTP server is aiosmtpd in this process (its own thread and event loop), plain SMTP
on a loopback port, counting the messages it accepts and the connections it is opened.
Every case renders the same HTML template (a greeting and a link) for each mail and
sends it; a case is done when the server has accepted every message:

* ``shipyard-queued``: ``Mail.queue`` for each mail (the jobs ``memory`` backend, the
  delivery log on SQLite), then one ``Worker`` with ``jobs.concurrency`` (10) runs the
  ``SendMail`` jobs: render (text part derived from the HTML), record the attempt, send
  over a new SMTP connection, record ``sent``;
* ``shipyard-batch``: ``send_mails(app, mails)``: render all, one SMTP connection;
* ``fastapi-mail``: ``FastMail.send_message`` for each mail, 10 at a time (what
  ``BackgroundTasks`` would run; fastapi-mail has no queue, retries or delivery log).

Client and server share the machine (and the client's process): the figures compare the
libraries on the same footing, not a mail server's capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

if not __package__:  # run as `python benchmarks/mail.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

from benchmarks import report
from shipyard.mail import Mail
from shipyard.testing.services import free_port

SECTION = "mail"
"""The marked region of ``--output`` this probe writes."""
HOST = "127.0.0.1"
CONCURRENCY = 10
TIMEOUT = 600.0
TEMPLATE = (
    "<html><body><h1>Welcome aboard, {{ name }}</h1>"
    '<p>Your account is ready. <a href="https://example.com/start?u={{ number }}">'
    "Start here</a>.</p></body></html>\n"
)


class MailBenchError(Exception):
    """A case could not run (the server refused, a case timed out)."""


@dataclass
class Counts:
    """What the SMTP server got: accepted messages and opened connections."""

    messages: int = 0
    connections: int = 0
    done: asyncio.Event | None = None
    wanted: int = 0
    loop: asyncio.AbstractEventLoop | None = None

    def accepted(self) -> None:
        self.messages += 1
        if self.messages >= self.wanted and self.done is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.done.set)


class Sink:
    """An aiosmtpd handler that accepts every message and counts it."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.counts.accepted()
        return "250 Message accepted for delivery"


class CountingController(Controller):
    """aiosmtpd whose servers count the connections made to them."""

    def __init__(self, counts: Counts, port: int) -> None:
        super().__init__(Sink(counts), hostname=HOST, port=port)
        self.counts = counts

    def factory(self) -> SMTPServer:
        server: SMTPServer = super().factory()  # type: ignore[no-untyped-call]
        counts = self.counts
        original = server.connection_made

        def connection_made(transport: Any) -> None:
            counts.connections += 1
            original(transport)

        server.connection_made = connection_made  # type: ignore[method-assign]
        return server


class BenchWelcome(Mail):
    """The mail every case sends."""

    template: ClassVar[str] = "bench/welcome"
    subject: ClassVar[str] = "Welcome aboard, {{ name }}"
    stored_as: ClassVar[str | None] = "benchmarks.mail.welcome"

    name: str
    number: int


@dataclass
class Result:
    case: str
    mails: int
    seconds: float
    connections: int
    notes: str = ""

    @property
    def per_second(self) -> float:
        return self.mails / self.seconds


@dataclass
class Config:
    mails: int = 1000
    cases: tuple[str, ...] = ("shipyard-queued", "shipyard-batch", "fastapi-mail")
    extra: dict[str, str] = field(default_factory=dict)


def _shipyard_app(folder: Path, port: int) -> Any:
    from shipyard import App, Settings
    from shipyard.testing.schema import create_app_schema

    templates = folder / "templates"
    (templates / "bench").mkdir(parents=True, exist_ok=True)
    (templates / "bench" / "welcome.html").write_text(TEMPLATE)
    settings = Settings.model_validate(
        {
            "profile": "development",
            "app": {"base_url": "https://example.com"},
            "database": {"url": f"sqlite+aiosqlite:///{folder / 'bench.db'}"},
            "jobs": {"backend": "memory", "concurrency": CONCURRENCY, "log_events": False},
            "logging": {"level": "WARNING"},
            "mail": {
                "backend": "smtp",
                "from_address": "Bench <bench@example.com>",
                "smtp": {"host": HOST, "port": port, "security": "none"},
            },
        }
    )
    app = App(settings, root=folder)
    app.add_template_dir(templates)
    app.on_startup(create_app_schema)
    return app


async def _until(counts: Counts, what: str) -> None:
    assert counts.done is not None
    try:
        await asyncio.wait_for(counts.done.wait(), TIMEOUT)
    except TimeoutError:
        raise MailBenchError(
            f"{what}: {counts.messages} of {counts.wanted} mails arrived in {TIMEOUT:g} s"
        ) from None


async def shipyard_queued(counts: Counts, port: int, mails: int, folder: Path) -> str:
    from shipyard.jobs import get_jobs
    from shipyard.jobs.worker import Worker

    app = _shipyard_app(folder, port)
    async with app.router.lifespan_context(app):
        for number in range(mails):
            await BenchWelcome(to=f"user{number}@example.com", name="Ann", number=number).queue(app)
        worker = Worker(get_jobs(app))
        task = asyncio.create_task(worker.run())
        await _until(counts, "shipyard-queued")
        worker.stop()
        await task
    return f"worker concurrency {CONCURRENCY}, delivery log on SQLite"


async def shipyard_batch(counts: Counts, port: int, mails: int, folder: Path) -> str:
    from shipyard.mail import send_mails

    app = _shipyard_app(folder, port)
    async with app.router.lifespan_context(app):
        batch = [
            BenchWelcome(to=f"user{n}@example.com", name="Ann", number=n) for n in range(mails)
        ]
        await send_mails(app, batch)
        await _until(counts, "shipyard-batch")
    return "send_mails: one connection"


async def fastapi_mail(counts: Counts, port: int, mails: int, folder: Path) -> str:
    from fastapi_mail import ConnectionConfig, FastMail, MessageSchema, MessageType

    (folder / "welcome.html").write_text(TEMPLATE)
    config = ConnectionConfig(
        MAIL_USERNAME="",
        MAIL_PASSWORD="",  # no login on the local server
        MAIL_FROM="bench@example.com",
        MAIL_FROM_NAME="Bench",
        MAIL_PORT=port,
        MAIL_SERVER=HOST,
        MAIL_STARTTLS=False,
        MAIL_SSL_TLS=False,
        USE_CREDENTIALS=False,
        VALIDATE_CERTS=False,
        TEMPLATE_FOLDER=folder,
    )
    sender = FastMail(config)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(number: int) -> None:
        message = MessageSchema(
            subject="Welcome aboard, Ann",
            recipients=[f"user{number}@example.com"],
            template_body={"name": "Ann", "number": number},
            subtype=MessageType.html,
        )
        async with gate:
            await sender.send_message(message, template_name="welcome.html")

    await asyncio.gather(*(one(number) for number in range(mails)))
    await _until(counts, "fastapi-mail")
    return f"send_message, {CONCURRENCY} at a time"


CASES: dict[str, Callable[[Counts, int, int, Path], Awaitable[str]]] = {
    "shipyard-queued": shipyard_queued,
    "shipyard-batch": shipyard_batch,
    "fastapi-mail": fastapi_mail,
}


async def run_case(name: str, mails: int) -> Result:
    """Start a fresh SMTP server, run case ``name`` for ``mails`` mails, time it."""
    counts = Counts(done=asyncio.Event(), wanted=mails, loop=asyncio.get_running_loop())
    controller = CountingController(counts, free_port())
    controller.start()
    counts.connections = 0  # start() made one to check the server answers
    try:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            notes = await CASES[name](counts, controller.port, mails, Path(folder))
            elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    if counts.messages != mails:
        raise MailBenchError(f"{name}: the server got {counts.messages} mails, not {mails}")
    return Result(name, mails, elapsed, counts.connections, notes)


def measure(config: Config) -> list[Result]:
    """Every case of ``config``, one after the other."""
    return [asyncio.run(run_case(name, config.mails)) for name in config.cases]


def markdown(results: Sequence[Result], config: Config) -> str:
    """The region's text: the table, then how it was measured."""
    lines = [
        f"{config.mails:,} mails, each rendered from an HTML template and delivered to a "
        "local aiosmtpd server (plain SMTP, loopback).",
        "",
        "| case | mails/s | total | SMTP connections | how |",
        "|---|---:|---:|---:|---|",
    ]
    for result in results:
        lines.append(
            f"| {result.case} | {result.per_second:,.0f} | {result.seconds:.2f} s | "
            f"{result.connections:,} | {result.notes} |"
        )
    info = report.probe_info({"Mails": f"{config.mails:,}"})
    lines += ["", *(f"- {key}: {value}" for key, value in info.items())]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.mail",
        description="Deliver mails to a local SMTP server: Shipyard vs fastapi-mail.",
        epilog="example: python -m benchmarks.mail --output BENCHMARKS.md",
    )
    parser.add_argument("--mails", type=int, default=1000, help="mails per case (1000)")
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}"
    )
    report.output_option(parser, SECTION)
    args = parser.parse_args(argv)
    unknown = {name for name in args.cases.split(",") if name} - set(CASES)
    if args.mails < 1 or unknown:
        parser.error(f"--mails must be >= 1; unknown cases: {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: measure, print the table, write ``--output``; one-line errors, exit 1."""
    args = parse_args(argv)
    config = Config(mails=args.mails, cases=tuple(name for name in args.cases.split(",") if name))
    return report.run_probe(
        args.output, SECTION, lambda: markdown(measure(config), config), MailBenchError
    )


if __name__ == "__main__":
    sys.exit(main())
