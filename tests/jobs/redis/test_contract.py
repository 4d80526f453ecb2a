"""The shared backend contract (tests/jobs/contract.py), run against real Redis."""

from __future__ import annotations

import pytest
from tests.jobs.contract import BackendContract, BackendFactory
from tests.jobs.redis.conftest import BackendMaker

from shipyard.jobs.backend import JobBackend
from shipyard.jobs.clock import Clock

pytestmark = pytest.mark.redis


class TestRedisBackend(BackendContract):
    @pytest.fixture
    def make_backend(self, make_redis_backend: BackendMaker) -> BackendFactory:
        async def make(clock: Clock) -> JobBackend:
            return make_redis_backend(clock)

        return make
