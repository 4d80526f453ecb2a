"""The Redis job backend: streams with consumer groups, a delayed set, leases, Lua.

Each queue has one stream per priority with the consumer group ``workers``; a fetch reads
new entries with ``XREADGROUP`` (the highest priority first), so two workers can never get
the same entry. Delivered, unacknowledged entries are the running jobs; their lease is a
time in a per-queue sorted set, read from the backend's clock (so tests can move time),
and a fetch that finds an expired lease takes the entry over with ``XCLAIM`` (the worker
died: at-least-once delivery). Scheduled jobs and failed jobs waiting to retry wait in a
per-queue sorted set by ``run_at`` and join their stream when due. Job data lives in one
hash per job; unique keys are ``SET NX`` strings. Every state change is one Lua script
(:mod:`shipyard.jobs.redis_lua`), hence atomic with any number of workers.

Keys are built inside the scripts, so use a standalone Redis (or one cluster slot, with a
``{tag}`` in the prefix).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, get_args

from shipyard.core.clock import Clock, utc_now
from shipyard.errors import ShipyardError
from shipyard.jobs import redis_lua
from shipyard.jobs.backend import (
    FINISHED,
    WORKER_FORGOTTEN,
    JobRecord,
    QueueStats,
    State,
    WorkerBeat,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

STATES: tuple[State, ...] = get_args(State)
DEFAULT_PREFIX = "shipyard:jobs:"
PURGE_BATCH = 500
ENQUEUE_BATCH = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_TIME_FIELDS = ("run_at", "lease_until", "created_at", "finished_at")
_TEXT_FIELDS = ("unique_key", "last_error", "traceback", "worker")


class RedisBackend:
    """A :class:`~shipyard.jobs.backend.JobBackend` on Redis (``redis.asyncio``)."""

    def __init__(
        self,
        redis: str | Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        clock: Clock = utc_now,
    ) -> None:
        """``redis`` is a URL (the backend then owns and closes its client) or a client."""
        if isinstance(redis, str):
            self.client = _client_from_url(redis)
            self._owns_client = True
        else:
            self.client = redis
            self._owns_client = False
        self.prefix = prefix
        self.clock = clock
        self._last_signal = "$"
        register = self.client.register_script
        self._enqueue = register(redis_lua.ENQUEUE)
        self._fetch = register(redis_lua.FETCH)
        self._extend = register(redis_lua.EXTEND)
        self._succeed = register(redis_lua.SUCCEED)
        self._fail = register(redis_lua.FAIL)
        self._release = register(redis_lua.RELEASE)
        self._cancel = register(redis_lua.CANCEL)
        self._retry = register(redis_lua.RETRY)
        self._purge = register(redis_lua.PURGE)
        self._delete = register(redis_lua.DELETE)
        self._forget_worker = register(redis_lua.FORGET_WORKER)

    async def _run(self, script: Any, *args: object) -> Any:
        with self._reaching():
            return await script(keys=[], args=[self.prefix, *args])

    @contextmanager
    def _reaching(self) -> Iterator[None]:
        """Turn "Redis is down" into one clear error naming the server (not its password)."""
        from redis.exceptions import ConnectionError, TimeoutError

        try:
            yield
        except (ConnectionError, TimeoutError) as exc:
            where = self.client.connection_pool.connection_kwargs
            server = where.get("path") or f"{where.get('host')}:{where.get('port')}"
            raise ShipyardError(
                f"jobs backend: cannot reach Redis at {server} ({exc})",
                hint="start Redis, or fix jobs.redis_url",
            ) from exc

    def _now(self) -> int:
        return _micros(self.clock())

    # -- writing ----------------------------------------------------------------------

    async def enqueue(self, records: Sequence[JobRecord]) -> list[str]:
        now = self.clock()
        ids: list[str] = []
        for start in range(0, len(records), ENQUEUE_BATCH):
            batch = [_encode(job, now) for job in records[start : start + ENQUEUE_BATCH]]
            ids.extend(_text(i) for i in await self._run(self._enqueue, json.dumps(batch)))
        return ids

    async def fetch(
        self, queues: Sequence[str], limit: int, *, worker: str, lease_seconds: float
    ) -> list[JobRecord]:
        if not queues or limit <= 0:
            return []
        now = self.clock()
        lease_until = _micros(now + timedelta(seconds=lease_seconds))
        rows = await self._run(
            self._fetch, _micros(now), worker, lease_until, limit, *dict.fromkeys(queues)
        )
        return [_decode(_pairs(row)) for row in rows]

    async def extend_lease(self, job_id: str, *, worker: str, lease_seconds: float) -> bool:
        lease_until = _micros(self.clock() + timedelta(seconds=lease_seconds))
        return bool(await self._run(self._extend, job_id, worker, lease_until))

    async def succeed(self, job_id: str, *, worker: str) -> None:
        await self._run(self._succeed, job_id, worker, self._now())

    async def fail(
        self,
        job_id: str,
        *,
        worker: str,
        error: str,
        traceback: str,
        retry_at: datetime | None,
    ) -> None:
        retry = "" if retry_at is None else _micros(retry_at)
        await self._run(self._fail, job_id, worker, self._now(), error, traceback, retry)

    async def release(self, job_id: str, *, worker: str) -> None:
        await self._run(self._release, job_id, worker)

    async def cancel(self, job_id: str) -> bool:
        return bool(await self._run(self._cancel, job_id, self._now()))

    async def retry(self, job_id: str) -> bool:
        return bool(await self._run(self._retry, job_id))

    async def purge(
        self, *, states: Sequence[State], finished_before: datetime | None = None
    ) -> int:
        if not states:
            return 0
        before = "" if finished_before is None else _micros(finished_before)
        total = 0
        while removed := int(await self._run(self._purge, PURGE_BATCH, before, *states)):
            total += removed
        return total

    async def delete(self, job_id: str) -> bool:
        return bool(await self._run(self._delete, job_id))

    async def forget_worker(self, worker: str) -> None:
        """Remove a stopping worker's stream consumers (those holding no entry)."""
        await self._run(self._forget_worker, worker)

    # -- wake-ups ---------------------------------------------------------------------

    async def wait_for_jobs(self, timeout: float) -> bool:  # noqa: ASYNC109 - the wait is the API
        """Wait up to ``timeout`` seconds for jobs to become ready; True if some did.

        Blocks on the ``signal`` stream, which enqueue, release and retry append to, so a
        worker in any process wakes at once. Scheduled jobs falling due are not announced:
        the worker's poll interval picks them up. False just means "look again".
        """
        key = self.prefix + "signal"
        with self._reaching():
            if self._last_signal == "$":
                newest = await self.client.xrevrange(key, count=1)
                self._last_signal = _text(newest[0][0]) if newest else "0-0"
            block = max(1, int(timeout * 1000))
            reply = await self.client.xread({key: self._last_signal}, count=100, block=block)
        last = _last_entry_id(reply)
        if last is None:
            return False
        self._last_signal = last
        return True

    # -- reading ----------------------------------------------------------------------

    async def get(self, job_id: str) -> JobRecord | None:
        fields = await self._hgetall(self._key("job:", job_id))
        return _decode(fields) if fields else None

    async def list(
        self, *, states: Sequence[State] = (), queue: str | None = None, limit: int = 100
    ) -> builtins.list[JobRecord]:
        if limit <= 0:
            return []
        with self._reaching():
            queues = [queue] if queue is not None else await self._queues()
            async with self.client.pipeline(transaction=False) as pipe:
                for name in queues:
                    for state in states or STATES:
                        pipe.zrevrange(
                            self._key("idx:", name, state), 0, limit - 1, withscores=True
                        )
                ranked = [hit for hits in await pipe.execute() for hit in hits]
            ranked.sort(key=lambda hit: hit[1], reverse=True)
            async with self.client.pipeline(transaction=False) as pipe:
                for job_id, _ in ranked[:limit]:
                    pipe.hgetall(self._key("job:", _text(job_id)))
                rows = await pipe.execute()
            return [_decode(fields) for row in rows if (fields := _pairs(row))]

    async def stats(self) -> builtins.list[QueueStats]:
        with self._reaching():
            queues = sorted(await self._queues())
            async with self.client.pipeline(transaction=False) as pipe:
                for name in queues:
                    for state in STATES:
                        pipe.zcard(self._key("idx:", name, state))
                counts = iter(await pipe.execute())
            result = [
                QueueStats(name, {state: int(next(counts)) for state in STATES}) for name in queues
            ]
            return [stats for stats in result if any(stats.counts.values())]

    async def beat(self, worker: WorkerBeat) -> None:
        with self._reaching():
            await self.client.hset(  # type: ignore[misc]
                self.prefix + "workers", worker.name, json.dumps(worker.as_json())
            )

    async def workers(self, *, since: datetime) -> builtins.list[WorkerBeat]:
        key = self.prefix + "workers"
        with self._reaching():
            stored: dict[str | bytes, str | bytes] = await self.client.hgetall(key)  # type: ignore[misc]
            beats = [WorkerBeat.from_json(json.loads(value)) for value in _pairs(stored).values()]
            gone = [beat.name for beat in beats if beat.beat_at < since - WORKER_FORGOTTEN]
            if gone:  # long silent: died without retiring
                await self.client.hdel(key, *gone)  # type: ignore[misc]
        alive = [beat for beat in beats if beat.beat_at >= since]
        return sorted(alive, key=lambda beat: beat.beat_at, reverse=True)

    async def retire(self, worker: str) -> None:
        with self._reaching():
            await self.client.hdel(self.prefix + "workers", worker)  # type: ignore[misc]

    async def finished_since(self, since: datetime) -> dict[str, dict[State, int]]:
        with self._reaching():
            queues = sorted(await self._queues())
            async with self.client.pipeline(transaction=False) as pipe:
                for name in queues:
                    for state in FINISHED:
                        pipe.zcount(self._key("done:", name, state), _micros(since), "+inf")
                counts = iter(await pipe.execute())
        result: dict[str, dict[State, int]] = {}
        for name in queues:
            per_state = {state: int(next(counts)) for state in FINISHED}
            if any(per_state.values()):
                result[name] = {state: n for state, n in per_state.items() if n}
        return result

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    async def _queues(self) -> builtins.list[str]:
        names: set[str | bytes] = await self.client.smembers(self.prefix + "queues")  # type: ignore[misc]
        return [_text(name) for name in names]

    async def _hgetall(self, key: str) -> dict[str, str]:
        with self._reaching():
            row: dict[str | bytes, str | bytes] = await self.client.hgetall(key)  # type: ignore[misc]
            return _pairs(row)

    def _key(self, kind: str, *parts: str) -> str:
        return self.prefix + kind + ":".join(parts)


def _client_from_url(url: str) -> Redis:
    try:
        from redis.asyncio import Redis
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        raise ShipyardError(
            "jobs.backend is 'redis' but the redis package is not installed",
            hint="pip install 'shipyard[redis]' or set jobs.backend = 'database'",
        ) from exc
    try:
        return Redis.from_url(url, decode_responses=True)
    except ValueError as exc:
        raise ShipyardError(
            f"invalid Redis URL for the jobs backend: {url!r} ({exc})",
            hint="use redis://host:port/db, rediss://... or unix:///path/to/socket",
        ) from exc


def _last_entry_id(reply: Any) -> str | None:
    """The newest entry id in a one-stream ``XREAD`` reply, None if it timed out."""
    entries: Any
    if isinstance(reply, dict):  # RESP3: {key: [entries]} (redis-py nests once more)
        entries = next(iter(reply.values()), [])
    else:  # RESP2: [[key, entries]]
        entries = reply[0][1] if reply else []
    while entries and isinstance(entries[0], list):
        entries = entries[0]
    return _text(entries[-1][0]) if entries else None


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def _from_micros(value: str) -> datetime:
    return _EPOCH + int(value) * _MICROSECOND


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _pairs(row: Any) -> dict[str, str]:
    """A hash as ``{field: value}``: from ``HGETALL`` in Lua (a flat list) or redis-py."""
    if isinstance(row, dict):
        return {_text(k): _text(v) for k, v in row.items()}
    return {_text(row[i]): _text(row[i + 1]) for i in range(0, len(row), 2)}


def _encode(job: JobRecord, now: datetime) -> dict[str, Any]:
    """The enqueue script's view of one job: its hash fields and where it goes."""
    if not isinstance(job.queue, str) or not job.queue:
        raise ShipyardError(
            f"job {job.id!r} has an empty or invalid queue name {job.queue!r}",
            hint="pass a non-empty queue name, e.g. queue='default'",
        )
    try:
        payload, meta = json.dumps(job.payload), json.dumps(job.meta)
    except (TypeError, ValueError) as exc:
        raise ShipyardError(
            f"job {job.id!r} ({job.name}) has arguments that are not JSON: {exc}",
            hint="enqueue jobs whose fields are JSON-ready (model_dump(mode='json'))",
        ) from exc
    created = job.created_at or now
    fields: dict[str, str] = {
        "id": job.id,
        "name": job.name,
        "payload": payload,
        "meta": meta,
        "queue": job.queue,
        "priority": str(int(job.priority)),
        "attempts": str(int(job.attempts)),
        "max_attempts": str(int(job.max_attempts)),
        "created_at": str(_micros(created)),
    }
    if job.timeout is not None:
        fields["timeout"] = repr(float(job.timeout))
    if job.unique_key is not None:
        fields["unique_key"] = job.unique_key
    spec: dict[str, Any] = {"id": job.id, "queue": job.queue, "fields": fields}
    if job.unique_key is not None:
        spec["unique_key"] = job.unique_key
    if job.run_at is not None:
        run_at = _micros(job.run_at)
        if run_at > _micros(now):
            spec["run_at"] = str(run_at)
        else:
            fields["run_at"] = str(run_at)
    return spec


def _decode(fields: dict[str, str]) -> JobRecord:
    times: dict[str, Any] = {n: _from_micros(fields[n]) for n in _TIME_FIELDS if n in fields}
    texts: dict[str, Any] = {n: fields[n] for n in _TEXT_FIELDS if n in fields}
    return JobRecord(
        id=fields["id"],
        name=fields["name"],
        payload=json.loads(fields["payload"]),
        queue=fields["queue"],
        priority=int(fields["priority"]),
        state=fields["state"],  # type: ignore[arg-type]  # written only by the scripts
        attempts=int(fields["attempts"]),
        max_attempts=int(fields["max_attempts"]),
        timeout=float(fields["timeout"]) if "timeout" in fields else None,
        meta=json.loads(fields["meta"]),
        **times,
        **texts,
    )
