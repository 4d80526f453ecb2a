"""Jobs.enqueue: options, delays, uniqueness, bulk, validation and the inline mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from shipyard.config.sections.jobs import JobsSettings
from shipyard.errors import ShipyardError
from shipyard.jobs import Job, JobEvent, Jobs, ManualClock, MemoryBackend

from .sample_jobs import Mail, Record


async def test_enqueue_stores_class_options_and_payload(jobs: Jobs) -> None:
    job_id = await jobs.enqueue(Mail(user_id=3))
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert stored.name == Mail.job_name() == f"{Mail.__module__}.Mail"
    assert (stored.payload, stored.queue, stored.priority) == ({"user_id": 3}, "mail", 5)
    assert (stored.state, stored.max_attempts) == ("queued", 3)


async def test_call_options_override_class_options(jobs: Jobs) -> None:
    job_id = await jobs.enqueue(
        Mail(user_id=3), queue="urgent", priority=-1, timeout=4.5, unique_key="k"
    )
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert (stored.queue, stored.priority, stored.timeout, stored.unique_key) == (
        "urgent",
        -1,
        4.5,
        "k",
    )


async def test_delayed_job_runs_only_when_due(jobs: Jobs, clock: ManualClock) -> None:
    Record.calls.clear()
    job_id = await jobs.enqueue(Record(text="later"), delay=timedelta(minutes=5))
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert stored.state == "scheduled"
    assert stored.run_at == clock() + timedelta(minutes=5)
    assert await jobs.drain() == 0
    clock.advance(299)
    assert await jobs.drain() == 0
    clock.advance(1)
    assert await jobs.drain() == 1
    assert Record.calls == [("later", 1)]


async def test_at_schedules_for_an_absolute_time(jobs: Jobs, clock: ManualClock) -> None:
    when = clock() + timedelta(hours=1)
    job_id = await jobs.enqueue(Record(text="x"), at=when)
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert (stored.state, stored.run_at) == ("scheduled", when)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"delay": 1, "at": datetime(2031, 1, 1, tzinfo=UTC)}, "both delay= and at="),
        ({"at": datetime(2031, 1, 1)}, "timezone-aware"),
        ({"delay": -5}, "negative"),
    ],
)
async def test_bad_scheduling_options_are_refused(
    jobs: Jobs, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ShipyardError, match=message):
        await jobs.enqueue(Record(text="x"), **options)  # type: ignore[arg-type]
    assert await jobs.backend.list() == []


async def test_enqueue_refuses_what_is_not_a_job(jobs: Jobs) -> None:
    with pytest.raises(ShipyardError, match="takes a Job instance, got dict"):
        await jobs.enqueue({"text": "x"})  # type: ignore[arg-type]


def test_job_arguments_are_validated() -> None:
    with pytest.raises(ValidationError):
        Mail(user_id="not a number")
    with pytest.raises(ValidationError):
        Mail(user_id=1, surprise=True)  # type: ignore[call-arg]


async def test_unique_key_refuses_a_duplicate_while_pending(jobs: Jobs) -> None:
    first = await jobs.enqueue(Record(text="a"), unique_key="report:7")
    assert await jobs.enqueue(Record(text="b"), unique_key="report:7") == first
    assert len(await jobs.backend.list()) == 1
    await jobs.drain()
    again = await jobs.enqueue(Record(text="c"), unique_key="report:7")
    assert again != first


async def test_enqueue_many_stores_all_in_one_call(jobs: Jobs, events: list[JobEvent]) -> None:
    ids = await jobs.enqueue_many([Record(text=str(n)) for n in range(5)], queue="bulk")
    stored = await jobs.backend.list(queue="bulk")
    assert sorted(record.id for record in stored) == sorted(ids)
    assert [event.kind for event in events] == ["enqueued"] * 5
    assert await jobs.enqueue_many([]) == []


async def test_inline_mode_runs_jobs_at_enqueue(clock: ManualClock) -> None:
    Record.calls.clear()
    jobs = Jobs(MemoryBackend(clock=clock), settings=JobsSettings(inline=True), clock=clock)
    job_id = await jobs.enqueue(Record(text="now"))
    assert Record.calls == [("now", 1)]
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert stored.state == "succeeded"


def test_a_second_class_claiming_a_name_is_an_error() -> None:
    taken = Mail.job_name()
    with pytest.raises(ShipyardError, match=f"job name '{taken}' is used by both"):

        class Impostor(Job):
            name = taken
