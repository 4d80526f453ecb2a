"""The ``jobs`` section: which backend stores jobs, worker defaults and the retry policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator

from shipyard.config.sections.base import Section


class JobRetrySettings(Section):
    """The retry policy of jobs that declare none (see ``RetryPolicy``)."""

    attempts: int = Field(default=3, ge=1, description="Total runs, the first included.")
    base: float = Field(default=1.0, ge=0, description="Seconds before the first retry.")
    factor: float = Field(default=2.0, ge=1, description="Multiplier between retries.")
    cap: float = Field(default=600.0, ge=0, description="Longest wait between retries.")
    jitter: float = Field(default=0.2, ge=0, le=1, description="Random spread, 0.2 = +-20%.")


class CronEntry(Section):
    """One ``[[jobs.cron]]`` entry: run a registered job on a schedule."""

    name: str = Field(description="Identifies the schedule; the same in every process.")
    schedule: str = Field(description="5-field cron expression or alias, e.g. '0 3 * * *'.")
    job: str = Field(description="Registered job name (Job.job_name()).")
    args: dict[str, Any] = Field(default_factory=dict, description="The job's arguments.")
    timezone: str = Field(default="UTC", description="IANA zone the expression is read in.")
    queue: str | None = Field(default=None, description="Queue; default: the job's own.")


class JobsSettings(Section):
    """Background jobs: storage backend, worker behaviour and retries."""

    backend: Literal["database", "redis", "memory"] = Field(
        default="database",
        description="Where jobs are stored: the app database, Redis, or memory (tests).",
    )
    redis_url: SecretStr = Field(
        default=SecretStr("redis://127.0.0.1:6379/0"),
        description="Redis server for jobs.backend = redis.",
    )
    inline: bool = Field(
        default=False, description="Run each job as soon as it is enqueued (tests only)."
    )
    embedded_worker: bool = Field(
        default=False,
        description="Run a worker inside the web process (`shipyard dev` turns this on).",
    )
    log_events: bool = Field(
        default=True, description="Log every job lifecycle event on the shipyard.jobs logger."
    )
    queues: list[str] = Field(
        default_factory=lambda: ["default"],
        min_length=1,
        description="Queues a worker consumes, in priority order.",
    )
    concurrency: int = Field(
        default=10, ge=1, le=1000, description="Jobs one worker runs at the same time."
    )
    lease_seconds: float = Field(
        default=60.0, gt=0, description="A job whose worker died runs again after this."
    )
    poll_interval: float = Field(
        default=1.0,
        gt=0,
        description="Seconds between polls when the queue is empty (database backend).",
    )
    heartbeat_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How often a worker records that it is alive; 3 missed beats = gone.",
    )
    ready_requires_worker: bool = Field(
        default=False,
        description="/ready answers 503 while no jobs worker is alive (jobs.worker check).",
    )
    grace_period: float = Field(
        default=30.0, ge=0, description="On SIGTERM, how long running jobs may finish."
    )
    default_timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds a job may run before it is cancelled; none means no limit.",
    )
    retry: JobRetrySettings = JobRetrySettings()
    keep_finished: timedelta | None = Field(
        default=timedelta(days=7),
        gt=timedelta(0),
        description="Succeeded and cancelled jobs are deleted this long after they finish"
        " (checked hourly; seconds or ISO 8601 such as 'P7D'); \"forever\" keeps them."
        " Dead jobs stay until retried or purged.",
    )

    @field_validator("keep_finished", mode="before")
    @classmethod
    def _forever_is_none(cls, value: object) -> object:
        """TOML has no null: ``keep_finished = "forever"`` turns pruning off."""
        return None if value == "forever" else value

    cron: list[CronEntry] = Field(
        default_factory=list, description="Recurring jobs ([[jobs.cron]] entries)."
    )
