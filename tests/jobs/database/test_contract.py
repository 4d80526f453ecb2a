"""The shared backend contract, run on the database backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from tests.jobs.contract import BackendContract, BackendFactory, Clock
from tests.jobs.database.conftest import BackendMaker

from shipyard.jobs.backend import JobBackend


class TestDatabaseBackendContract(BackendContract):
    @pytest.fixture
    def make_backend(self, backends: BackendMaker) -> BackendFactory:
        async def make(clock: Clock) -> JobBackend:
            return await backends(clock)

        return make
