"""The backend contract and the end-to-end scenarios on the database backend (SQLite, Postgres)."""

from __future__ import annotations

import pytest
from tests.jobs.contract import BackendContract, BackendFactory, Clock
from tests.jobs.cron_scenarios import CronScenarios
from tests.jobs.database.conftest import BackendMaker
from tests.jobs.scenarios import JobsScenarios

from shipyard.jobs.backend import JobBackend


class TestDatabaseBackendContract(BackendContract, JobsScenarios, CronScenarios):
    @pytest.fixture
    def make_backend(self, backends: BackendMaker) -> BackendFactory:
        async def make(clock: Clock) -> JobBackend:
            return await backends(clock)

        return make

    @pytest.fixture
    def app_database_url(self, jobs_db_url: str) -> str:
        return jobs_db_url  # the app's tables and its jobs in one database
