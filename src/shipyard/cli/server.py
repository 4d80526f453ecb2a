"""``shipyard dev`` (reloading development server) and ``shipyard run`` (production).

Both resolve the app spec once, check that the app loads (so a mistake is one clear
line, not a worker traceback), store the spec in ``SHIPYARD_APP`` and hand the server the
import string of a factory in this module. Reloaded and worker processes call that
factory, so any spec (an App or a factory function) works with reload and workers.
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from rich.markup import escape

from shipyard.cli.errors import handle_errors, stderr
from shipyard.cli.options import AppOption
from shipyard.cli.serving import serve
from shipyard.core.app import AppBase
from shipyard.core.discovery import APP_ENV, load_app, resolve_spec

APP_FACTORY = "shipyard.cli.server:server_app"
GRANIAN_APP_FACTORY = "shipyard.cli.server:granian_app"
RELOAD_PATTERNS = ["*.py", "*.html", "*.jinja", "*.css", "*.js"]
NOT_WATCHED = (".venv", "venv", "var", "node_modules", ".git")
EMBEDDED_WORKER_ENV = "SHIPYARD_JOBS__EMBEDDED_WORKER"

HostOption = Annotated[str | None, typer.Option(help="Interface to bind (default: server.host).")]
PortOption = Annotated[int | None, typer.Option(help="Port (default: server.port).")]


class ServerChoice(StrEnum):
    """The ASGI servers ``shipyard run`` can use."""

    uvicorn = "uvicorn"
    granian = "granian"


def register(cli: typer.Typer) -> None:
    """Add ``dev`` and ``run`` to the root command."""
    cli.command("dev", epilog="Example: shipyard dev --port 8080")(handle_errors(dev))
    cli.command("run", epilog="Example: SHIPYARD_PROFILE=production shipyard run --workers 4")(
        handle_errors(run)
    )


def server_app() -> AppBase:
    """Server-side factory: the app named by ``SHIPYARD_APP`` (set by dev/run).

    A 500 the app's error handler answered ends its request there, rather than reaching
    the server, which would log it again and close the client's keep-alive connection.
    """
    app = load_app(os.environ.get(APP_ENV))
    app.reraise_answered_errors = False
    return app


def granian_app() -> Callable[..., Any]:
    """Like :func:`server_app`, honouring ``server.proxy_headers`` (granian has no flag)."""
    app = server_app()
    server = app.settings.server
    if not server.proxy_headers:
        return app
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    wrapped: Callable[..., Any] = wrap_asgi_with_proxy_headers(
        app, trusted_hosts=server.forwarded_allow_ips
    )
    return wrapped


def dev(
    app: AppOption = None,
    host: HostOption = None,
    port: PortOption = None,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Restart on code changes.")
    ] = True,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run a background-jobs worker inside the server process (jobs.embedded_worker).",
        ),
    ] = True,
    migrate: Annotated[
        bool,
        typer.Option(
            "--migrate/--no-migrate",
            help="Apply pending migrations (the app's and its extensions') before serving.",
        ),
    ] = True,
) -> None:
    """Serve the app for development, restarting when code or templates change.

    Watches *.py, *.html, *.jinja, *.css and *.js under the project. config/*.toml is
    not watched here: the app reloads its own settings without a restart, and an
    invalid edit keeps the previous settings (the reason is logged). Background jobs run
    in the same process (``--no-worker`` to run ``shipyard jobs worker`` separately).
    Pending migrations are applied first, as Rails' ``db:prepare`` does (``--no-migrate``).
    """
    os.environ[EMBEDDED_WORKER_ENV] = "true" if worker else "false"
    application = _prepare(app)
    if migrate:
        _apply_migrations(application)
    server = application.settings.server
    root = application.root
    serve(
        uvicorn.Config(
            APP_FACTORY,
            factory=True,
            host=host or server.host,
            port=port or server.port,
            reload=reload,
            reload_dirs=[str(root)] if reload else None,
            reload_includes=RELOAD_PATTERNS if reload else None,
            reload_excludes=_not_watched(root) if reload else None,
            timeout_graceful_shutdown=math.ceil(server.graceful_timeout),
            log_level="info",
        )
    )


def _apply_migrations(application: AppBase) -> None:
    """Bring the development database up to date, one line per applied revision."""
    from shipyard.db.migrations import Migrations

    migrations = Migrations.for_app(application, report=lambda line: typer.echo(f"  {line}"))
    if (migrations.directory / "env.py").is_file():
        migrations.upgrade()


def run(
    app: AppOption = None,
    workers: Annotated[
        int | None,
        typer.Option(min=0, help="Worker processes (default: server.workers; 0 = CPUs)."),
    ] = None,
    host: HostOption = None,
    port: PortOption = None,
    server_name: Annotated[
        ServerChoice | None,
        typer.Option("--server", help="ASGI server (default: server.server)."),
    ] = None,
) -> None:
    """Serve the app in production with several worker processes.

    Proxy headers and the graceful-shutdown timeout come from the [server] settings.
    Set SHIPYARD_PROFILE=production; a warning is printed when debug is on.
    """
    application = _prepare(app)
    settings = application.settings.server
    if application.settings.app.debug:
        stderr.print(
            "[yellow]warning:[/] debug is on (profile "
            f"{escape(repr(application.settings.profile))}); set SHIPYARD_PROFILE=production"
        )
    count = workers if workers is not None else settings.workers
    count = count or os.cpu_count() or 1
    if count > 1 and application.settings.metrics.enabled:
        _share_metrics_between_workers()
    host = host or settings.host
    port = port or settings.port
    chosen = server_name.value if server_name is not None else settings.server
    if chosen == "granian":
        _run_granian(host, port, count, math.ceil(settings.graceful_timeout))
        return
    serve(
        uvicorn.Config(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=count,
            proxy_headers=settings.proxy_headers,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            timeout_graceful_shutdown=math.ceil(settings.graceful_timeout),
            log_level="info",
        )
    )


def _share_metrics_between_workers() -> None:
    """Give the workers one fresh folder to write metrics in, unless one was chosen.

    Each worker then counts into its own files there and a scrape, whichever worker
    answers it, adds every worker's values up (prometheus-client's multiprocess mode).
    """
    from shipyard.observability.metrics import MULTIPROCESS_ENV

    if os.environ.get(MULTIPROCESS_ENV):
        return
    folder = tempfile.mkdtemp(prefix="shipyard-metrics-")
    atexit.register(shutil.rmtree, folder, True)
    os.environ[MULTIPROCESS_ENV] = folder


def _run_granian(host: str, port: int, workers: int, graceful: int) -> None:
    from granian.constants import Interfaces
    from granian.server import Server

    Server(
        GRANIAN_APP_FACTORY,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        workers_kill_timeout=graceful or None,
    ).serve()


def _prepare(spec: str | None) -> AppBase:
    """Resolve and load the app once in this process, then publish the spec to workers."""
    resolved = resolve_spec(spec)
    application = load_app(resolved)
    os.environ[APP_ENV] = resolved
    return application


def _not_watched(root: Path) -> list[str]:
    return [str(root / name) for name in NOT_WATCHED if (root / name).is_dir()]
