"""The shared backend contract and the end-to-end scenarios, run against real Redis."""

from __future__ import annotations

import pytest
from tests.jobs.contract import BackendContract, BackendFactory
from tests.jobs.cron_scenarios import CronScenarios
from tests.jobs.redis.conftest import BackendMaker
from tests.jobs.scenarios import JobsScenarios

from shipyard.core.clock import Clock
from shipyard.jobs.backend import JobBackend

pytestmark = pytest.mark.redis


class TestRedisBackend(BackendContract, JobsScenarios, CronScenarios):
    @pytest.fixture
    def make_backend(self, make_redis_backend: BackendMaker) -> BackendFactory:
        async def make(clock: Clock) -> JobBackend:
            return make_redis_backend(clock)

        return make
