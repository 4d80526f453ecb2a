"""The app on a real server for tests that need one (a browser, a websocket, a webhook).

:func:`serve_app` gives the project's app its test database (the migrations, as the
``client`` fixture does), then runs ``shipyard run`` with the ``test`` profile on a free
port of 127.0.0.1 with one uvicorn worker, and stops it on leaving. The server finds the
app the way the CLI does (``SHIPYARD_APP``, ``[tool.shipyard] app``, ``app.main:app``),
so an ``app`` fixture overridden in ``conftest.py`` does not change what it serves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shipyard.core.discovery import APP_ENV, PROFILE_ENV, load_app, resolve_spec
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine
from shipyard.testing.schema import prepare_test_database
from shipyard.testing.services import free_port, running_server

BASE_URL_ENV = "SHIPYARD_APP__BASE_URL"
STARTUP_TIMEOUT = 60.0


@contextmanager
def serve_app(workdir: Path) -> Iterator[str]:
    """Serve the project's app until the block ends; yield its base URL (no trailing /).

    The server's output goes to ``workdir/server.log`` (shown when it fails to start).
    """
    spec = resolve_spec(None)
    app = load_app(spec, profile="test")
    database = Database(app.settings.database, app.root)

    async def prepare() -> None:
        try:
            await prepare_test_database(app, database)
        finally:
            await database.dispose()

    run_coroutine(prepare)
    url = f"http://127.0.0.1:{free_port()}"
    env = os.environ | {PROFILE_ENV: "test", APP_ENV: spec, BASE_URL_ENV: url}
    port = url.rsplit(":", 1)[1]
    command = [
        *(sys.executable, "-m", "shipyard.cli.main", "run", "--server", "uvicorn"),
        *("--workers", "1", "--host", "127.0.0.1", "--port", port),
    ]
    log = workdir / "server.log"
    with running_server(
        command, probe=f"{url}/", log=log, cwd=Path.cwd(), env=env, startup_timeout=STARTUP_TIMEOUT
    ):
        yield url
