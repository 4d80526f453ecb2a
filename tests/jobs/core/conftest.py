"""Fixtures for the core jobs tests: a manual clock, a memory backend and a Jobs service."""

from __future__ import annotations

import random

import pytest

from shipyard.config.sections.jobs import JobRetrySettings, JobsSettings
from shipyard.jobs import JobEvent, Jobs, ManualClock, MemoryBackend


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def backend(clock: ManualClock) -> MemoryBackend:
    return MemoryBackend(clock=clock)


@pytest.fixture
def settings() -> JobsSettings:
    return JobsSettings(
        backend="memory",
        retry=JobRetrySettings(attempts=3, base=10, factor=2, cap=600, jitter=0),
    )


@pytest.fixture
def jobs(backend: MemoryBackend, clock: ManualClock, settings: JobsSettings) -> Jobs:
    return Jobs(backend, settings=settings, clock=clock, rng=random.Random(7))


@pytest.fixture
def events(jobs: Jobs) -> list[JobEvent]:
    seen: list[JobEvent] = []
    jobs.events.subscribe(seen.append)
    return seen
