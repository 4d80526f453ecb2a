"""Database-backend specifics: separate processes' fetchers, table creation, wake-ups."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from tests.jobs.contract import record
from tests.jobs.database.conftest import BackendMaker

from shipyard.config.models import DatabaseSettings
from shipyard.db.database import Database
from shipyard.db.migrations import Migrations, init_migrations
from shipyard.jobs.database import JOBS_MIGRATIONS, DatabaseBackend

LEASE = 30.0


async def test_fetchers_on_separate_connections_never_share_a_job(
    backends: BackendMaker,
) -> None:
    workers = [await backends() for _ in range(4)]
    await workers[0].enqueue([record() for _ in range(300)])

    async def drain(backend: DatabaseBackend, name: str) -> list[str]:
        leased: list[str] = []
        while batch := await backend.fetch(["default"], 10, worker=name, lease_seconds=LEASE):
            leased += [job.id for job in batch]
            await asyncio.sleep(0)
        return leased

    results = await asyncio.gather(*(drain(backend, f"w{n}") for n, backend in enumerate(workers)))
    ids = [job_id for leased in results for job_id in leased]
    assert sorted(ids) == sorted(set(ids)), "a job was leased twice"
    assert len(ids) == 300
    assert sum(1 for leased in results if leased) > 1, "expected the work to be shared"


@pytest.mark.postgres
@pytest.mark.parametrize("jobs_db_url", ["postgres"], indirect=True)
async def test_enqueue_wakes_a_waiting_worker_in_another_process(backends: BackendMaker) -> None:
    worker, producer = await backends(), await backends()
    assert not await worker.wait_for_jobs(0.05), "nothing was enqueued yet"
    waiting = asyncio.create_task(worker.wait_for_jobs(10))
    await asyncio.sleep(0.05)
    await producer.enqueue([record()])
    assert await asyncio.wait_for(waiting, 10)
    jobs = await worker.fetch(["default"], 1, worker="w", lease_seconds=LEASE)
    assert len(jobs) == 1


async def test_release_and_retry_wake_waiting_workers(
    backends: BackendMaker, jobs_db_url: str
) -> None:
    worker, other = await backends(), await backends()
    [job_id] = await other.enqueue([record()])
    await other.fetch(["default"], 1, worker="w1", lease_seconds=LEASE)
    await worker.wait_for_jobs(0)  # listening now (PostgreSQL); clears any earlier wake-up
    waiting = asyncio.create_task(worker.wait_for_jobs(10))
    await asyncio.sleep(0.05)
    await (other if jobs_db_url.startswith("postgresql") else worker).release(job_id, worker="w1")
    assert await asyncio.wait_for(waiting, 10)


async def test_wait_times_out_without_jobs(backends: BackendMaker) -> None:
    backend = await backends()
    assert await backend.wait_for_jobs(0.05) is False


async def test_db_upgrade_creates_the_table(tmp_path: Path) -> None:
    settings = DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///jobs.db"))
    init_migrations(tmp_path / "migrations")
    await asyncio.to_thread(Migrations(settings, tmp_path, branches=[JOBS_MIGRATIONS]).upgrade)
    database = Database(settings, tmp_path)
    backend = DatabaseBackend(database)
    try:
        await backend.enqueue([record()])
        assert len(await backend.list()) == 1
    finally:
        await database.dispose()


async def test_naive_run_at_is_refused(backends: BackendMaker) -> None:
    backend = await backends()
    with pytest.raises(ValueError, match="naive datetime; pass an aware one"):
        await backend.enqueue([record(run_at=datetime(2030, 1, 1))])
    assert await backend.list() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "i" * 65), ("name", "n" * 201), ("queue", "q" * 101), ("unique_key", "k" * 256)],
)
async def test_overlong_fields_are_refused_by_name(
    backends: BackendMaker, field: str, value: str
) -> None:
    backend = await backends()
    with pytest.raises(ValueError, match=f"{field} is {len(value)} characters long"):
        await backend.enqueue([record(**{field: value})])
    assert await backend.list() == []


@pytest.mark.postgres
@pytest.mark.parametrize("jobs_db_url", ["postgres"], indirect=True)
async def test_listener_reconnects_after_its_connection_dies(backends: BackendMaker) -> None:
    worker, producer = await backends(), await backends()
    await worker.wait_for_jobs(0)
    async with producer.database.engine.begin() as connection:
        killed = await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
            )
        )
        assert killed.scalar() is True
    await worker.wait_for_jobs(0.2)  # notices the dead connection, listens again
    waiting = asyncio.create_task(worker.wait_for_jobs(10))
    await asyncio.sleep(0.05)
    await producer.enqueue([record()])
    assert await asyncio.wait_for(waiting, 10)


def test_apps_register_the_table_for_db_upgrade(tmp_path: Path) -> None:
    """``shipyard db upgrade`` creates the tables on framework_metadata once the app loads."""
    script = (
        "from shipyard import App\n"
        "App()\n"
        "from shipyard.db.model import framework_metadata\n"
        "print('shipyard_jobs' in framework_metadata.tables)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.stdout.strip() == "True", result.stderr
