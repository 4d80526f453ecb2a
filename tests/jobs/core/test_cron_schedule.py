"""Cron schedules: expressions, aliases, time zones, tick ids, and how they are declared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shipyard import App, Settings
from shipyard.config.sections.jobs import CronEntry, JobsSettings
from shipyard.errors import ShipyardError
from shipyard.jobs import Job, JobContext, get_jobs
from shipyard.jobs.cron import CronSchedule, cron, schedules_from_settings


class Report(Job):
    name = "cron_tests.report"

    kind: str = "daily"
    limit: int = 10

    async def run(self, ctx: JobContext) -> None:
        return None


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def schedule(expression: str, timezone: str = "UTC", name: str = "report") -> CronSchedule:
    return CronSchedule(name=name, expression=expression, job=Report(), timezone=timezone)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/15 * * * *", "2030-01-01T10:07:30", "2030-01-01T10:15:00"),
        ("0 3 * * *", "2030-01-01T03:00:00", "2030-01-02T03:00:00"),  # strictly after
        ("0 9 * * 1-5", "2030-01-04T09:00:00", "2030-01-07T09:00:00"),  # Friday -> Monday
        ("@hourly", "2030-01-01T10:07:30", "2030-01-01T11:00:00"),
        ("@DAILY", "2030-01-01T10:07:30", "2030-01-02T00:00:00"),
        ("@weekly", "2030-01-01T10:00:00", "2030-01-06T00:00:00"),  # Sunday
        ("@monthly", "2030-01-31T23:59:00", "2030-02-01T00:00:00"),
        ("@yearly", "2030-06-01T00:00:00", "2031-01-01T00:00:00"),
    ],
)
def test_next_run_in_utc(expression: str, after: str, expected: str) -> None:
    assert schedule(expression).next_run(at(after)) == at(expected)


def test_time_zones_and_daylight_saving() -> None:
    paris = schedule("30 2 * * *", timezone="Europe/Paris")
    # 02:30 Paris is 01:30 UTC in winter, 00:30 UTC in summer.
    assert paris.next_run(at("2030-01-10T00:00:00")) == at("2030-01-10T01:30:00")
    assert paris.next_run(at("2030-07-10T00:00:00")) == at("2030-07-10T00:30:00")
    # On 2030-03-31 02:30 does not exist in Paris (clocks jump 02:00 -> 03:00): it runs
    # at the first moment after the gap instead of being skipped.
    assert paris.next_run(at("2030-03-30T23:00:00")) == at("2030-03-31T01:00:00")
    new_york = schedule("0 9 * * *", timezone="America/New_York")
    assert new_york.next_run(at("2030-01-10T00:00:00")) == at("2030-01-10T14:00:00")


def test_ticks_cover_a_window_oldest_first() -> None:
    every_ten = schedule("*/10 * * * *")
    ticks = list(every_ten.ticks(at("2030-01-01T10:00:00"), at("2030-01-01T10:30:00")))
    assert ticks == [
        at("2030-01-01T10:10:00"),
        at("2030-01-01T10:20:00"),
        at("2030-01-01T10:30:00"),
    ]
    assert list(every_ten.ticks(at("2030-01-01T10:00:00"), at("2030-01-01T10:09:59"))) == []


def test_tick_ids_are_the_same_everywhere_and_distinct_per_tick_and_name() -> None:
    one, again, other = schedule("@hourly"), schedule("@hourly"), schedule("@hourly", name="b")
    tick = at("2030-01-01T10:00:00")
    assert one.tick_id(tick) == again.tick_id(tick)
    assert one.tick_id(tick) == one.tick_id(tick.astimezone(one.zone()))
    assert one.tick_id(tick) != one.tick_id(at("2030-01-01T11:00:00"))
    assert one.tick_id(tick) != other.tick_id(tick)
    assert len(one.tick_id(tick)) == 32


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("* * * *", "not a 5-field cron expression"),
        ("0 0 * * * *", "not a 5-field cron expression"),  # seconds field: not standard
        ("61 * * * *", "not a 5-field cron expression"),
        ("every day", "not a 5-field cron expression"),
        ("", "not a 5-field cron expression"),
        ("@fortnightly", "unknown alias"),
        ("@reboot", "unknown alias"),
    ],
)
def test_bad_expressions_are_refused_with_the_fix(expression: str, message: str) -> None:
    with pytest.raises(ShipyardError, match=message) as raised:
        schedule(expression)
    assert raised.value.hint


def test_bad_time_zones_and_names_are_refused() -> None:
    with pytest.raises(ShipyardError, match="unknown time zone 'Mars/Olympus'"):
        schedule("@hourly", timezone="Mars/Olympus")
    with pytest.raises(ShipyardError, match="unknown time zone"):
        schedule("@hourly", timezone="../../etc/passwd")
    for name in ["", "has space", "x" * 101, "-leading"]:
        with pytest.raises(ShipyardError, match="name"):
            schedule("@hourly", name=name)


def test_expressions_are_tidied() -> None:
    assert schedule("  0   3 * *  * ").expression == "0 3 * * *"
    assert schedule("@Hourly").expression == "@hourly"


def test_settings_entries_become_schedules() -> None:
    entry = CronEntry(
        name="nightly",
        schedule="0 3 * * *",
        job="cron_tests.report",
        args={"kind": "nightly", "limit": "5"},
        timezone="Europe/Paris",
        queue="reports",
    )
    [made] = schedules_from_settings([entry])
    assert (made.name, made.expression, made.timezone, made.queue) == (
        "nightly",
        "0 3 * * *",
        "Europe/Paris",
        "reports",
    )
    assert made.job == Report(kind="nightly", limit=5)


def test_settings_entries_with_unknown_jobs_or_bad_arguments_are_refused() -> None:
    with pytest.raises(ShipyardError, match="unknown job 'nope'"):
        schedules_from_settings([CronEntry(name="n", schedule="@daily", job="nope")])
    bad = CronEntry(name="n", schedule="@daily", job="cron_tests.report", args={"limit": "x"})
    with pytest.raises(ShipyardError, match=r"entry 'n'.*limit") as raised:
        schedules_from_settings([bad])
    assert "[[jobs.cron]]" in (raised.value.hint or "")
    extra = CronEntry(name="n", schedule="@daily", job="cron_tests.report", args={"nope": 1})
    with pytest.raises(ShipyardError, match="nope"):
        schedules_from_settings([extra])


async def test_code_and_settings_schedules_reach_the_jobs_service() -> None:
    entry = CronEntry(name="from-settings", schedule="@hourly", job="cron_tests.report")
    app = App(Settings(jobs=JobsSettings(backend="memory", cron=[entry])))
    declared = cron(app, "*/5 * * * *", Report(kind="code"))
    assert declared.name == "cron_tests.report"
    async with app.router.lifespan_context(app):
        names = [schedule.name for schedule in get_jobs(app).schedules]
    assert names == ["cron_tests.report", "from-settings", "shipyard.prune-finished-jobs"]


async def test_two_schedules_with_one_name_stop_the_app_from_starting() -> None:
    app = App(Settings(jobs=JobsSettings(backend="memory")))
    cron(app, "@hourly", Report())
    cron(app, "@daily", Report())
    with pytest.raises(ShipyardError, match=r"two cron schedules are named 'cron_tests\.report'"):
        async with app.router.lifespan_context(app):
            pass
