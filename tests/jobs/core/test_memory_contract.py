"""The shared backend contract, run against :class:`MemoryBackend`."""

from __future__ import annotations

import pytest
from tests.jobs.contract import BackendContract, BackendFactory, Clock

from shipyard.jobs import JobBackend, MemoryBackend


class TestMemoryBackend(BackendContract):
    @pytest.fixture
    def make_backend(self) -> BackendFactory:
        async def make(clock: Clock) -> JobBackend:
            return MemoryBackend(clock=clock)

        return make
