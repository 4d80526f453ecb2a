"""What the contract cannot see: streams, consumer groups and keys of the Redis backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from tests.jobs.contract import LEASE, FakeClock, record
from tests.jobs.redis.conftest import BackendMaker

from shipyard.errors import ShipyardError
from shipyard.jobs.backend import JobRecord
from shipyard.jobs.redis import ENQUEUE_BATCH, PURGE_BATCH, RedisBackend
from shipyard.jobs.redis_lua import GROUP
from shipyard.testing.services import free_port, redis_url

pytestmark = pytest.mark.redis


def stream(prefix: str, queue: str = "default", priority: int = 0) -> str:
    return f"{prefix}stream:{queue}:{priority}"


async def pending_owners(client: Redis, key: str) -> list[str]:
    entries = await client.xpending_range(key, GROUP, min="-", max="+", count=100)
    return [entry["consumer"] for entry in entries]


async def consumers(client: Redis, key: str) -> list[str]:
    return [str(entry["name"]) for entry in await client.xinfo_consumers(key, GROUP)]


async def test_crashed_worker_job_is_claimed_by_another(
    make_redis_backend: BackendMaker, redis_client: Redis, prefix: str
) -> None:
    clock = FakeClock()
    crashed, survivor = make_redis_backend(clock), make_redis_backend(clock)
    [job_id] = await crashed.enqueue([record()])
    [leased] = await crashed.fetch(["default"], 1, worker="crashed", lease_seconds=LEASE)
    assert await pending_owners(redis_client, stream(prefix)) == ["crashed"]
    # The worker dies: no succeed, no release. Its lease runs out.
    clock.advance(LEASE - 0.001)
    assert await survivor.fetch(["default"], 1, worker="survivor", lease_seconds=LEASE) == []
    clock.advance(0.001)
    [again] = await survivor.fetch(["default"], 1, worker="survivor", lease_seconds=LEASE)
    assert (again.id, again.attempts, again.worker) == (leased.id, 2, "survivor")
    assert await pending_owners(redis_client, stream(prefix)) == ["survivor"]
    assert await consumers(redis_client, stream(prefix)) == ["survivor"], "crashed is dropped"
    await survivor.succeed(job_id, worker="survivor")
    assert await pending_owners(redis_client, stream(prefix)) == []
    assert await redis_client.xlen(stream(prefix)) == 0
    assert await redis_client.zcard(f"{prefix}leases:default") == 0


async def test_a_stopping_worker_removes_its_idle_consumers(
    make_redis_backend: BackendMaker, redis_client: Redis, prefix: str
) -> None:
    backend = make_redis_backend(FakeClock())
    await backend.enqueue([record(), record(queue="mail"), record(queue="mail", priority=5)])
    for queue in ("default", "mail", "mail"):
        await backend.fetch([queue], 1, worker="busy", lease_seconds=LEASE)
    [done, *_] = await backend.list(states=["running"], queue="default")
    await backend.succeed(done.id, worker="busy")
    await backend.forget_worker("busy")
    # It holds nothing on default any more; it still holds its mail jobs, so stays there.
    assert await consumers(redis_client, stream(prefix)) == []
    assert await consumers(redis_client, stream(prefix, "mail")) == ["busy"]
    assert await consumers(redis_client, stream(prefix, "mail", 5)) == ["busy"]
    await backend.forget_worker("never-seen")  # unknown consumers are nothing to remove


async def test_two_workers_on_own_connections_never_share_a_job(prefix: str) -> None:
    clock = FakeClock()
    workers = [RedisBackend(redis_url(), prefix=prefix, clock=clock) for _ in range(2)]
    try:
        expected = await workers[0].enqueue([record(priority=n % 3) for n in range(300)])

        async def drain(backend: RedisBackend, name: str) -> list[str]:
            got: list[str] = []
            while batch := await backend.fetch(["default"], 4, worker=name, lease_seconds=LEASE):
                got += [job.id for job in batch]
                await asyncio.sleep(0)
            return got

        first, second = await asyncio.gather(drain(workers[0], "a"), drain(workers[1], "b"))
        assert first, "the first worker should have had a share"
        assert second, "the second worker should have had a share"
        assert not set(first) & set(second)
        assert sorted(first + second) == sorted(expected)
    finally:
        for backend in workers:
            await backend.close()


async def test_delayed_jobs_move_to_the_stream_when_due(
    make_redis_backend: BackendMaker, redis_client: Redis, prefix: str
) -> None:
    clock = FakeClock()
    backend = make_redis_backend(clock)
    soon, later = await backend.enqueue(
        [record(run_at=clock() + timedelta(seconds=s)) for s in (10, 20)]
    )
    delayed = f"{prefix}delayed:default"
    assert await redis_client.zrange(delayed, 0, -1) == [soon, later]
    assert await redis_client.exists(stream(prefix)) == 0
    clock.advance(10)
    [job] = await backend.fetch(["default"], 5, worker="w", lease_seconds=LEASE)
    assert job.id == soon
    assert await redis_client.zrange(delayed, 0, -1) == [later]
    clock.advance(10)
    assert [j.id for j in await backend.fetch(["default"], 5, worker="w", lease_seconds=LEASE)] == [
        later
    ]
    assert await redis_client.zcard(delayed) == 0


async def test_cancel_and_purge_leave_no_stream_entries(
    make_redis_backend: BackendMaker, redis_client: Redis, prefix: str
) -> None:
    backend = make_redis_backend(FakeClock())
    ids = await backend.enqueue([record(unique_key=f"u{n}") for n in range(3)])
    assert await backend.cancel(ids[0])
    assert await redis_client.xlen(stream(prefix)) == 2
    assert await backend.purge(states=["queued", "cancelled"]) == 3
    assert await redis_client.xlen(stream(prefix)) == 0
    leftovers = {key async for key in redis_client.scan_iter(match=f"{prefix}*")}
    assert not {key for key in leftovers if ":job:" in key or ":unique:" in key}


async def test_large_batches_cross_the_script_chunks(make_redis_backend: BackendMaker) -> None:
    backend = make_redis_backend(FakeClock())
    count = max(ENQUEUE_BATCH, PURGE_BATCH) + 7
    ids = await backend.enqueue([record() for _ in range(count)])
    assert len(set(ids)) == count
    assert (await backend.stats())[0].counts["queued"] == count
    assert await backend.purge(states=["queued"]) == count
    assert await backend.stats() == []


async def test_queue_names_with_separators_stay_apart(make_redis_backend: BackendMaker) -> None:
    backend = make_redis_backend(FakeClock())
    plain, colon = await backend.enqueue([record(queue="a"), record(queue="a:1", priority=1)])
    assert [j.id for j in await backend.fetch(["a"], 5, worker="w", lease_seconds=LEASE)] == [plain]
    assert [j.id for j in await backend.fetch(["a:1"], 5, worker="w", lease_seconds=LEASE)] == [
        colon
    ]


async def test_hostile_records_are_refused_with_a_clear_error(
    make_redis_backend: BackendMaker,
) -> None:
    backend = make_redis_backend(FakeClock())
    with pytest.raises(ShipyardError, match="not JSON"):
        await backend.enqueue([record(payload={"when": object()})])
    with pytest.raises(ShipyardError, match="queue name"):
        await backend.enqueue([record(queue="")])
    assert await backend.list() == []


def test_a_bad_url_names_the_problem() -> None:
    with pytest.raises(ShipyardError, match="invalid Redis URL"):
        RedisBackend("http://example.com")


async def test_naive_datetimes_are_read_as_utc(make_redis_backend: BackendMaker) -> None:
    clock = FakeClock()
    backend = make_redis_backend(clock)
    naive = (clock() + timedelta(seconds=5)).replace(tzinfo=None)
    [job_id] = await backend.enqueue([JobRecord(id="naive", name="n", payload={}, run_at=naive)])
    stored = await backend.get(job_id)
    assert stored is not None
    assert stored.run_at == clock() + timedelta(seconds=5)


@pytest.mark.parametrize("protocol", [2, 3])
async def test_wait_for_jobs_wakes_on_enqueue_from_another_process(
    prefix: str, make_redis_backend: BackendMaker, protocol: int
) -> None:
    client = Redis.from_url(redis_url(), protocol=protocol)
    waiter = RedisBackend(client, prefix=prefix, clock=FakeClock())
    producer = make_redis_backend(FakeClock())
    waiting = asyncio.create_task(waiter.wait_for_jobs(5))
    try:
        await asyncio.sleep(0.05)
        assert not waiting.done()
        await producer.enqueue([record(), record()])
        assert await asyncio.wait_for(waiting, 5)
        assert not await waiter.wait_for_jobs(0.05), "an announcement wakes a worker once"
        await producer.enqueue([record()])
        assert await waiter.wait_for_jobs(2), "enqueued while not waiting still counts"
        # A scheduled job is not announced: the worker's poll interval finds it.
        await producer.enqueue([record(run_at=FakeClock()() + timedelta(seconds=1))])
        assert not await waiter.wait_for_jobs(0.05)
    finally:
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await client.aclose()


async def test_unreachable_redis_is_one_clear_error() -> None:
    backend = RedisBackend(f"redis://:secret@127.0.0.1:{free_port()}/0")
    try:
        calls = (backend.stats, lambda: backend.get("x"), lambda: backend.enqueue([record()]))
        for call in calls:
            with pytest.raises(
                ShipyardError, match=r"cannot reach Redis at 127\.0\.0\.1"
            ) as caught:
                await call()
            assert "secret" not in str(caught.value)
    finally:
        await backend.close()
