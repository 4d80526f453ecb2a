"""Two uvicorn processes of ``tests.realtime.realtime_app`` sharing a broker backend."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

from pydantic import SecretStr

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.notifications import NOTIFICATION_MIGRATIONS
from shipyard.testing.schema import create_schema
from shipyard.testing.services import free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60.0
OWNED = NOTIFICATION_MIGRATIONS  # imported: its table is in the schema create_schema makes


@dataclass
class Server:
    """One running process: its URL and its process handle."""

    url: str
    process: Popen[bytes]
    log: Path


async def _create_schema(path: Path) -> None:
    database = Database(DatabaseSettings(url=SecretStr(f"sqlite+aiosqlite:///{path}")), path.parent)
    try:
        await create_schema(database)
    finally:
        await database.dispose()


@contextmanager
def servers(tmp_path: Path, backend: str, count: int = 2) -> Iterator[list[Server]]:
    """``count`` single-worker servers of the realtime test app on ``backend``."""
    database = tmp_path / "realtime.db"
    asyncio.run(_create_schema(database))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPYARD_")}
    env.update(
        REALTIME_TEST_DATABASE=str(database),
        REALTIME_TEST_BACKEND=backend,
        REALTIME_TEST_NAMESPACE=f"t{uuid.uuid4().hex[:12]}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]),
    )
    with ExitStack() as stack:
        started = []
        for number in range(count):
            port = free_port()
            log = tmp_path / f"server-{number}.log"
            command = [
                sys.executable, "-m", "uvicorn", "tests.realtime.realtime_app:app",
                "--port", str(port), "--timeout-graceful-shutdown", "10",
            ]  # fmt: skip
            url = f"http://127.0.0.1:{port}"
            process = stack.enter_context(
                running_server(
                    command,
                    probe=f"{url}/health",
                    log=log,
                    cwd=ROOT,
                    env=env,
                    startup_timeout=STARTUP_TIMEOUT,
                )
            )
            started.append(Server(url, process, log))
        yield started
