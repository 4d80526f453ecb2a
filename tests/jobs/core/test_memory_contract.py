"""The backend contract and the end-to-end scenarios, run against :class:`MemoryBackend`."""

from __future__ import annotations

import pytest
from tests.jobs.contract import BackendContract, BackendFactory, Clock
from tests.jobs.cron_scenarios import CronScenarios
from tests.jobs.scenarios import JobsScenarios

from shipyard.jobs import JobBackend, MemoryBackend


class TestMemoryBackend(BackendContract, JobsScenarios, CronScenarios):
    @pytest.fixture
    def make_backend(self) -> BackendFactory:
        async def make(clock: Clock) -> JobBackend:
            return MemoryBackend(clock=clock)

        return make
