"""The database job backend: a ``shipyard_jobs`` table in the app's database.

The table belongs to the ``shipyard_jobs`` migration branch (:data:`JOBS_MIGRATIONS`),
which ``shipyard db upgrade`` applies for every app with the jobs extension. Leasing is
one atomic ``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING`` statement; on
PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED``, so concurrent workers never
wait on or share a job, and ``LISTEN/NOTIFY`` wakes idle workers
as soon as a job is enqueued (:meth:`DatabaseBackend.wait_for_jobs`). Unique keys are a
partial unique index over the pending states, so a duplicate is refused atomically.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Float,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import ReturningUpdate
from sqlalchemy.sql.elements import TextClause

from shipyard.core.clock import Clock, utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.database import Database
from shipyard.db.model import UtcDateTime, framework_metadata
from shipyard.jobs.backend import (
    FINISHED,
    WORKER_FORGOTTEN,
    JobRecord,
    QueueStats,
    State,
    WorkerBeat,
)

PENDING: tuple[State, ...] = ("scheduled", "queued", "running", "failed")
"""States that hold a unique key."""
WAITING: tuple[State, ...] = ("scheduled", "queued", "failed")
"""States that run once ``run_at`` has passed (and that ``cancel`` accepts)."""
NOTIFY_CHANNEL = "shipyard_jobs"
LENGTH_LIMITS = {"id": 64, "name": 200, "queue": 100, "unique_key": 255}
"""Column widths of the string fields a caller chooses (checked before writing)."""

jobs_table = Table(
    "shipyard_jobs",
    framework_metadata,
    Column("id", String(LENGTH_LIMITS["id"]), primary_key=True),
    Column("name", String(LENGTH_LIMITS["name"]), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("queue", String(LENGTH_LIMITS["queue"]), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("run_at", UtcDateTime(), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("timeout", Float, nullable=True),
    Column("unique_key", String(LENGTH_LIMITS["unique_key"]), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("traceback", Text, nullable=True),
    Column("lease_until", UtcDateTime(), nullable=True),
    Column("worker", String(200), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("meta", JSON, nullable=False),
)
_c = jobs_table.c


def _state_in(states: Sequence[State]) -> TextClause:
    """``state IN ('a', 'b')`` as literal SQL: the planner matches partial indexes by it.

    A bound parameter would hide the states from PostgreSQL's ON CONFLICT inference and
    from generic prepared plans, which then cannot use the partial index.
    """
    return text("state IN (" + ", ".join(f"'{state}'" for state in states) + ")")


_PENDING_WHERE = _state_in(PENDING)
_WAITING_WHERE = _state_in(WAITING)
_RUNNING_WHERE = _state_in(["running"])
Index(
    "ix_shipyard_jobs_waiting",
    _c.queue,
    _c.priority.desc(),
    _c.run_at,
    _c.created_at,
    _c.id,
    sqlite_where=_WAITING_WHERE,
    postgresql_where=_WAITING_WHERE,
)
Index(
    "ix_shipyard_jobs_leases",
    _c.lease_until,
    sqlite_where=_RUNNING_WHERE,
    postgresql_where=_RUNNING_WHERE,
)
Index("ix_shipyard_jobs_created_at", _c.created_at)
Index("ix_shipyard_jobs_finished_at", _c.finished_at)
Index(
    "uq_shipyard_jobs_unique_key",
    _c.unique_key,
    unique=True,
    sqlite_where=_PENDING_WHERE,
    postgresql_where=_PENDING_WHERE,
)
workers_table = Table(
    "shipyard_job_workers",
    framework_metadata,
    Column("name", String(200), primary_key=True),
    Column("queues", JSON, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("beat_at", UtcDateTime(), nullable=False),
    Column("running", Integer, nullable=False),
)
"""One row per live worker, refreshed by its heartbeat (:mod:`shipyard.jobs.heartbeat`)."""
JOBS_MIGRATIONS = MigrationBranch.declare(
    "shipyard_jobs", Path(__file__).parent / "migrations", jobs_table, workers_table
)
"""The migrations of ``shipyard_jobs``."""


class DatabaseBackend:
    """Jobs as rows of ``shipyard_jobs``, through the app's :class:`Database`.

    ``clock`` is the only source of "now" (tests pass a fake one). The engine belongs to
    the database extension: :meth:`close` stops the listener but leaves the engine open.
    """

    def __init__(
        self,
        database: Database,
        *,
        clock: Clock = utc_now,
        channel: str = NOTIFY_CHANNEL,
    ) -> None:
        self.database = database
        self.clock = clock
        self.channel = channel
        self._postgres = database.backend == "postgresql"
        self._wakeup = asyncio.Event()
        self._listener: AsyncConnection | None = None
        self._driver: Any = None
        self._listener_lock = asyncio.Lock()

    # -- enqueue ----------------------------------------------------------------------

    async def enqueue(self, records: Sequence[JobRecord]) -> list[str]:
        if not records:
            return []
        now = self.clock()
        rows = [self._row(record, now) for record in records]
        ids: list[str] = []
        async with self.database.engine.begin() as connection:
            plain = [row for row in rows if row["unique_key"] is None]
            if plain:  # an id that is already stored (a cron tick) is left as it is
                dialect = postgresql if self._postgres else sqlite
                insert = dialect.insert(jobs_table).on_conflict_do_nothing(index_elements=[_c.id])
                await connection.execute(insert, plain)
            for row in rows:
                if row["unique_key"] is None:
                    ids.append(row["id"])
                else:
                    ids.append(await self._insert_unique(connection, row))
            if self._postgres:
                for queue in sorted({row["queue"] for row in rows}):
                    await connection.execute(select(func.pg_notify(self.channel, queue)))
        self._wakeup.set()
        return ids

    def _row(self, record: JobRecord, now: datetime) -> dict[str, Any]:
        for field, limit in LENGTH_LIMITS.items():
            value = getattr(record, field)
            if value is not None and len(value) > limit:
                raise ValueError(
                    f"job {record.id[:64]!r}: {field} is {len(value)} characters long; "
                    f"the database backend stores at most {limit}"
                )
        run_at = record.run_at or now
        if run_at.tzinfo is None:
            raise ValueError(
                f"job {record.id}: run_at {run_at.isoformat()} is a naive datetime; "
                "pass an aware one (e.g. datetime.now(UTC))"
            )
        return {
            "id": record.id,
            "name": record.name,
            "payload": record.payload,
            "queue": record.queue,
            "priority": record.priority,
            "run_at": run_at,
            "state": "scheduled" if run_at > now else "queued",
            "attempts": 0,
            "max_attempts": record.max_attempts,
            "timeout": record.timeout,
            "unique_key": record.unique_key,
            "created_at": record.created_at or now,
            "meta": record.meta,
        }

    async def _insert_unique(self, connection: AsyncConnection, row: dict[str, Any]) -> str:
        """Insert a row with a unique key, or return the id of the pending job holding it."""
        dialect = postgresql if self._postgres else sqlite
        insert = (
            dialect.insert(jobs_table)
            .values(row)
            .on_conflict_do_nothing(index_elements=[_c.unique_key], index_where=_PENDING_WHERE)
            .returning(_c.id)
        )
        holder = select(_c.id).where(_c.unique_key == row["unique_key"], _PENDING_WHERE)
        while True:  # the holder may finish between our insert and our select: try again
            inserted = (await connection.execute(insert)).scalar()
            existing = inserted or (await connection.execute(holder)).scalar()
            if existing is not None:
                return str(existing)

    # -- leasing ----------------------------------------------------------------------

    async def fetch(
        self, queues: Sequence[str], limit: int, *, worker: str, lease_seconds: float
    ) -> list[JobRecord]:
        if not queues or limit <= 0:
            return []
        now = self.clock()
        lease = {
            "state": "running",
            "attempts": _c.attempts + 1,
            "worker": worker,
            "lease_until": now + timedelta(seconds=lease_seconds),
        }
        expired = and_(_RUNNING_WHERE, _c.lease_until <= now)
        waiting = and_(_WAITING_WHERE, _c.run_at <= now)
        async with self.database.engine.begin() as connection:
            # Jobs of dead workers first (few, found by the leases index), then due ones in
            # the waiting index's order: one condition per statement, so each uses its index.
            rows = list(await connection.execute(self._lease(queues, expired, limit, lease)))
            if len(rows) < limit:
                more = self._lease(queues, waiting, limit - len(rows), lease)
                rows += await connection.execute(more)
        jobs = [_record(row) for row in rows]
        jobs.sort(key=lambda job: (-job.priority, job.run_at, job.created_at, job.id))
        return jobs

    def _lease(
        self, queues: Sequence[str], due: ColumnElement[bool], limit: int, values: dict[str, Any]
    ) -> ReturningUpdate[Any]:
        """Lease up to ``limit`` jobs of ``queues`` matching ``due``, in fetch order."""
        candidates = (
            select(_c.id)
            .where(_c.queue.in_(list(queues)), due)
            .order_by(_c.priority.desc(), _c.run_at, _c.created_at, _c.id)
            .limit(limit)
        )
        if self._postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        return (
            update(jobs_table)
            .where(_c.id.in_(candidates.scalar_subquery()))
            .values(values)
            .returning(*jobs_table.c)
        )

    async def extend_lease(self, job_id: str, *, worker: str, lease_seconds: float) -> bool:
        until = self.clock() + timedelta(seconds=lease_seconds)
        return await self._update(_held(job_id, worker), lease_until=until) > 0

    async def succeed(self, job_id: str, *, worker: str) -> None:
        await self._update(
            _held(job_id, worker), state="succeeded", lease_until=None, finished_at=self.clock()
        )

    async def fail(
        self,
        job_id: str,
        *,
        worker: str,
        error: str,
        traceback: str,
        retry_at: datetime | None,
    ) -> None:
        outcome: dict[str, Any] = (
            {"state": "dead", "finished_at": self.clock()}
            if retry_at is None
            else {"state": "failed", "run_at": retry_at}
        )
        await self._update(
            _held(job_id, worker),
            last_error=error,
            traceback=traceback,
            lease_until=None,
            **outcome,
        )

    async def release(self, job_id: str, *, worker: str) -> None:
        released = await self._update(
            _held(job_id, worker),
            state="queued",
            attempts=_c.attempts - 1,
            lease_until=None,
            worker=None,
        )
        if released:
            await self._notify()

    # -- management -------------------------------------------------------------------

    async def cancel(self, job_id: str) -> bool:
        where = and_(_c.id == job_id, _c.state.in_(WAITING))
        return await self._update(where, state="cancelled", finished_at=self.clock()) > 0

    async def retry(self, job_id: str) -> bool:
        where = and_(_c.id == job_id, _c.state.in_(("dead", "failed")))
        try:
            retried = await self._update(
                where,
                state="queued",
                attempts=0,
                run_at=self.clock(),
                lease_until=None,
                worker=None,
                finished_at=None,
            )
        except IntegrityError:  # a newer pending job holds its unique key
            return False
        if retried:
            await self._notify()
        return retried > 0

    async def get(self, job_id: str) -> JobRecord | None:
        async with self.database.engine.connect() as connection:
            row = (await connection.execute(select(jobs_table).where(_c.id == job_id))).first()
        return None if row is None else _record(row)

    async def list(
        self, *, states: Sequence[State] = (), queue: str | None = None, limit: int = 100
    ) -> list[JobRecord]:
        query = select(jobs_table).order_by(_c.created_at.desc(), _c.id.desc()).limit(limit)
        if states:
            query = query.where(_c.state.in_(list(states)))
        if queue is not None:
            query = query.where(_c.queue == queue)
        async with self.database.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_record(row) for row in rows]

    async def stats(self) -> builtins.list[QueueStats]:
        query = select(_c.queue, _c.state, func.count().label("total")).group_by(_c.queue, _c.state)
        async with self.database.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            counts.setdefault(row.queue, {})[row.state] = int(row.total)
        return [QueueStats(queue, counts[queue]) for queue in sorted(counts)]

    async def beat(self, worker: WorkerBeat) -> None:
        values = {
            "queues": list(worker.queues),
            "started_at": worker.started_at,
            "beat_at": worker.beat_at,
            "running": worker.running,
        }
        table = workers_table
        async with self.database.engine.begin() as connection:
            found = await connection.execute(
                update(table).where(table.c.name == worker.name).values(**values)
            )
            if not found.rowcount:  # its first beat (names are unique per process)
                await connection.execute(table.insert().values(name=worker.name, **values))

    async def workers(self, *, since: datetime) -> builtins.list[WorkerBeat]:
        table = workers_table
        query = select(table).where(table.c.beat_at >= since).order_by(table.c.beat_at.desc())
        async with self.database.engine.begin() as connection:
            await connection.execute(  # long silent: died without retiring
                delete(table).where(table.c.beat_at < since - WORKER_FORGOTTEN)
            )
            rows = (await connection.execute(query)).all()
        return [
            WorkerBeat(row.name, tuple(row.queues), row.started_at, row.beat_at, row.running)
            for row in rows
        ]

    async def retire(self, worker: str) -> None:
        async with self.database.engine.begin() as connection:
            await connection.execute(delete(workers_table).where(workers_table.c.name == worker))

    async def purge(
        self, *, states: Sequence[State], finished_before: datetime | None = None
    ) -> int:
        if not states:
            return 0
        query = delete(jobs_table).where(_c.state.in_(list(states)))
        if finished_before is not None:
            query = query.where(_c.state.in_(FINISHED), _c.finished_at < finished_before)
        async with self.database.engine.begin() as connection:
            result = await connection.execute(query)
        return int(result.rowcount)

    async def delete(self, job_id: str) -> bool:
        query = delete(jobs_table).where(_c.id == job_id, _c.state.in_(FINISHED))
        async with self.database.engine.begin() as connection:
            result = await connection.execute(query)
        return int(result.rowcount) > 0

    async def finished_since(self, since: datetime) -> dict[str, dict[State, int]]:
        query = (
            select(_c.queue, _c.state, func.count().label("total"))
            .where(_c.state.in_(FINISHED), _c.finished_at >= since)
            .group_by(_c.queue, _c.state)
        )
        async with self.database.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        counts: dict[str, dict[State, int]] = {}
        for row in rows:
            counts.setdefault(row.queue, {})[row.state] = int(row.total)
        return counts

    # -- wake-ups ---------------------------------------------------------------------

    async def wait_for_jobs(self, timeout: float) -> bool:  # noqa: ASYNC109 - the wait is the API
        """Wait up to ``timeout`` seconds for a new job; True if one was announced.

        On PostgreSQL every process's enqueue is announced through ``LISTEN/NOTIFY``; on
        SQLite only this backend's own enqueues are, so a worker still polls after the
        timeout. Returning False just means "look again".
        """
        if self._postgres:
            await self._listen()
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout)
        except TimeoutError:
            return False
        self._wakeup.clear()
        return True

    async def _listen(self) -> None:
        """Hold one pooled connection that LISTENs on the channel (reopened if it broke)."""
        async with self._listener_lock:
            if self._driver is not None and not self._driver.is_closed():
                return
            await self._stop_listening()
            connection = await self.database.engine.connect()
            try:
                raw = await connection.get_raw_connection()
                driver: Any = raw.driver_connection
                await driver.add_listener(self.channel, self._on_notify)
            except BaseException:  # cancelled or failed: do not keep the connection
                await connection.close()
                raise
            self._listener, self._driver = connection, driver

    async def _stop_listening(self) -> None:
        """Unlisten and give the connection back (or drop it if it broke)."""
        connection, driver = self._listener, self._driver
        self._listener = self._driver = None
        if connection is None:
            return
        if driver.is_closed():
            await connection.invalidate()
        else:
            await driver.remove_listener(self.channel, self._on_notify)
        await connection.close()

    def _on_notify(self, *_: object) -> None:
        self._wakeup.set()

    async def _notify(self) -> None:
        """Announce jobs that became due now (released or retried)."""
        self._wakeup.set()
        if self._postgres:
            async with self.database.engine.begin() as connection:
                await connection.execute(
                    text("SELECT pg_notify(:channel, '')"), {"channel": self.channel}
                )

    async def close(self) -> None:
        """Stop listening; the engine itself belongs to the database extension."""
        async with self._listener_lock:
            await self._stop_listening()

    async def _update(self, where: ColumnElement[bool], **values: Any) -> int:
        async with self.database.engine.begin() as connection:
            result = await connection.execute(update(jobs_table).where(where).values(**values))
        return int(result.rowcount)


def _held(job_id: str, worker: str) -> ColumnElement[bool]:
    """The job, while ``worker`` holds its lease."""
    return and_(_c.id == job_id, _c.state == "running", _c.worker == worker)


def _record(row: Row[Any]) -> JobRecord:
    values = row._asdict()
    return JobRecord(**values)
