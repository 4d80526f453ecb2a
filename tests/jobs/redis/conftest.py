"""Redis job backend fixtures: a client on the test server and backends under a fresh prefix."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlparse

import pytest
from redis.asyncio import Redis

from shipyard.core.clock import Clock
from shipyard.jobs.redis import RedisBackend
from shipyard.testing.services import redis_url, require_port

BackendMaker = Callable[[Clock], RedisBackend]


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    url = urlparse(redis_url())
    require_port("Redis", url.hostname or "127.0.0.1", url.port or 6379)
    client = Redis.from_url(redis_url(), decode_responses=True)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def prefix(redis_client: Redis) -> AsyncIterator[str]:
    """A key prefix no other test uses; every key under it is deleted afterwards."""
    name = f"test-jobs-{uuid.uuid4().hex}:"
    try:
        yield name
    finally:
        keys = [key async for key in redis_client.scan_iter(match=name + "*", count=1000)]
        if keys:
            await redis_client.delete(*keys)


@pytest.fixture
def make_redis_backend(redis_client: Redis, prefix: str) -> BackendMaker:
    """Backends sharing the test's client and prefix (so, the same jobs), each with a clock."""

    def make(clock: Clock) -> RedisBackend:
        return RedisBackend(redis_client, prefix=prefix, clock=clock)

    return make
