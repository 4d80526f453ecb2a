"""The Redis store: values as Redis strings with a millisecond expiry, counters as integers.

Uses ``redis.asyncio`` against ``cache.url``. A lock is a ``SET NX PX`` and is released by
a compare-and-delete script, so a caller never removes a lock another caller took after
its own expired. ``clear`` walks the prefix with ``SCAN`` (never ``KEYS``) and unlinks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from redis.asyncio import Redis

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_INCR = """
local value = redis.call('incrby', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('pttl', KEYS[1]) == -1 then
  redis.call('pexpire', KEYS[1], ARGV[2])
end
return value
"""
_GLOB = re.compile(r"([*?\[\]\\])")


def _ms(ttl: float | None) -> int | None:
    return None if ttl is None else max(1, int(ttl * 1000))


class RedisStore:
    """Cache values in Redis, shared by every process of the app."""

    encodes = True
    shared = True
    remote = True

    def __init__(self, client: Redis) -> None:
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        """A store on a new connection pool for ``url`` (connects on first use)."""
        try:
            from redis.asyncio import Redis
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
            raise ShipyardError(
                "cache.backend is 'redis' but the redis package is not installed",
                hint="pip install 'shipyard[redis]' or set cache.backend = 'memory'",
            ) from exc
        return cls(Redis.from_url(url))

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        if len(keys) == 1:
            return [await self.client.get(keys[0])]
        return list(await self.client.mget(keys))

    async def read(
        self, keys: Sequence[str], counter_keys: Sequence[str]
    ) -> tuple[list[Any | None], list[int]]:
        if not counter_keys:
            return await self.get_many(keys), []
        found = list(await self.client.mget([*keys, *counter_keys]))
        counters = found[len(keys) :]
        return found[: len(keys)], [0 if value is None else int(value) for value in counters]

    async def set_many(self, items: Mapping[str, Any], ttl: float | None) -> None:
        async with self.client.pipeline(transaction=False) as pipe:
            for key, value in items.items():
                pipe.set(key, value, px=_ms(ttl))
            await pipe.execute()

    async def add(self, key: str, value: Any, ttl: float | None) -> bool:
        return bool(await self.client.set(key, value, px=_ms(ttl), nx=True))

    async def release(self, key: str, value: Any) -> None:
        await self.client.eval(_RELEASE, 1, key, value)  # type: ignore[misc]

    async def delete_many(self, keys: Sequence[str]) -> int:
        return int(await self.client.delete(*keys)) if keys else 0

    async def incr(self, key: str, delta: int, ttl: float | None) -> int:
        result = await self.client.eval(_INCR, 1, key, delta, _ms(ttl) or 0)  # type: ignore[misc]
        return int(result)

    async def counters(self, keys: Sequence[str]) -> list[int]:
        values = await self.client.mget(keys) if keys else []
        return [int(value) if value is not None else 0 for value in values]

    def _match(self, prefix: str) -> str:
        return _GLOB.sub(r"\\\1", prefix) + "*"

    async def count(self, prefix: str) -> int:
        return sum(
            [1 async for _key in self.client.scan_iter(match=self._match(prefix), count=500)]
        )

    async def clear(self, prefix: str) -> int:
        removed = 0
        batch: list[bytes] = []
        async for key in self.client.scan_iter(match=self._match(prefix), count=500):
            batch.append(key)
            if len(batch) >= 500:
                removed += int(await self.client.unlink(*batch))
                batch.clear()
        if batch:
            removed += int(await self.client.unlink(*batch))
        return removed

    async def close(self) -> None:
        await self.client.aclose()
