"""Concurrent writers against one SQLite file through a real server with two worker processes.

Before ``BEGIN IMMEDIATE`` most of these requests were answered 500 ("database is locked"):
a transaction that had read could not become a writer while another process wrote. Every
request must now succeed and every write land (``SELECT ... FOR UPDATE`` makes the
read-modify-write of one row exact, on SQLite as on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from tests.db.concurrency_app import DATABASE_ENV, Counter, create_table

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.testing.services import free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20
STARTUP_TIMEOUT = 60.0
VERBS = ("bump", "touch", "add")


async def create_counters(path: Path) -> None:
    db = Database(DatabaseSettings(url=SecretStr(f"sqlite+aiosqlite:///{path}")), path.parent)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(create_table)
        async with db.sessionmaker() as session, session.begin():
            session.add_all(Counter(id=n, count=0) for n in range(len(VERBS) * ROWS + 1))
    finally:
        await db.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``uvicorn --workers 2`` serving the concurrency app on a fresh SQLite file."""
    database = tmp_path / "concurrency.db"
    asyncio.run(create_counters(database))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPYARD_")}
    env[DATABASE_ENV] = str(database)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    log = tmp_path / "server.log"
    command = [
        sys.executable, "-m", "uvicorn", "tests.db.concurrency_app:app",
        "--workers", "2", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with running_server(
        command,
        probe=f"{url}/counters",
        log=log,
        cwd=ROOT,
        env=env,
        startup_timeout=STARTUP_TIMEOUT,
    ):
        yield url


def spread() -> list[tuple[str, int]]:
    """Each verb with rows of its own: 1-20 for bump, 21-40 for touch, 41-60 for add."""
    return [(verb, i * ROWS + n) for i, verb in enumerate(VERBS) for n in range(1, ROWS + 1)]


async def hammer(url: str) -> tuple[list[httpx.Response], dict[str, int]]:
    """100 requests at once: 20 bumps (read FOR UPDATE, write) of one row, 20 of different
    rows, 20 plain read-then-write and 20 atomic updates of different rows, 20 reads."""
    paths = (
        [("POST", "/counters/0/bump")] * ROWS
        + [("POST", f"/counters/{row}/{verb}") for verb, row in spread()]
        + [("GET", "/counters")] * ROWS
    )
    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits) as client:
        responses = await asyncio.gather(*(client.request(m, p) for m, p in paths))
        final = (await client.get("/counters")).json()
    return list(responses), final


def test_concurrent_writers_in_two_processes_all_succeed_and_land(server: str) -> None:
    pids: set[int] = set()
    for _ in range(3):  # the workers' pools warm up and every round is a fresh race
        responses, _ = asyncio.run(hammer(server))
        failed = [(r.request.url.path, r.status_code, r.text[:200]) for r in responses]
        assert [f for f in failed if not 200 <= f[1] < 300] == []
        pids |= {r.json()["pid"] for r in responses if r.request.method == "POST"}
    _, final = asyncio.run(hammer(server))
    assert len(pids) == 2  # both worker processes wrote
    assert final == {"0": 4 * ROWS, **{str(row): 4 for _, row in spread()}}
