"""The part of the backend contract the workers' heartbeats rely on: beat, workers, retire.

Mixed into :class:`tests.jobs.contract.BackendContract`, so it runs on every backend.
"""

from __future__ import annotations

from datetime import timedelta

from tests.jobs.contract_base import ContractHelpers, FakeClock

from shipyard.jobs.backend import JobBackend, WorkerBeat


def beat_of(name: str, clock: FakeClock, *, running: int = 0) -> WorkerBeat:
    """A beat of worker ``name`` now, started a minute ago."""
    now = clock()
    return WorkerBeat(name, ("default", "mail"), now - timedelta(minutes=1), now, running)


class WorkersContract(ContractHelpers):
    """Heartbeats on any backend (``make_backend`` comes from the subclass)."""

    async def test_a_beat_registers_the_worker_and_the_next_refreshes_it(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        first = beat_of("host:1:a", clock)
        await backend.beat(first)
        assert await backend.workers(since=clock() - timedelta(seconds=30)) == [first]
        clock.advance(10)
        second = beat_of("host:1:a", clock, running=3)
        await backend.beat(second)
        [seen] = await backend.workers(since=clock() - timedelta(seconds=30))
        assert seen == second

    async def test_workers_lists_only_recent_beats_newest_first(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        await backend.beat(beat_of("old", clock))
        clock.advance(60)
        await backend.beat(beat_of("middle", clock))
        clock.advance(5)
        await backend.beat(beat_of("new", clock))
        recent = await backend.workers(since=clock() - timedelta(seconds=30))
        assert [beat.name for beat in recent] == ["new", "middle"]
        everyone = await backend.workers(since=clock() - timedelta(hours=1))
        assert [beat.name for beat in everyone] == ["new", "middle", "old"]

    async def test_retire_forgets_the_worker(self, backend: JobBackend, clock: FakeClock) -> None:
        await backend.beat(beat_of("leaving", clock))
        await backend.beat(beat_of("staying", clock))
        await backend.retire("leaving")
        await backend.retire("never-seen")  # no error
        names = [beat.name for beat in await backend.workers(since=clock() - timedelta(hours=1))]
        assert names == ["staying"]

    async def test_a_worker_silent_for_a_day_is_deleted(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        started = clock()
        await backend.beat(beat_of("killed", clock))
        clock.advance(2 * 24 * 3600)
        assert await backend.workers(since=clock() - timedelta(seconds=30)) == []
        assert await backend.workers(since=started - timedelta(hours=1)) == []
