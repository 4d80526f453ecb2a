"""The Redis session backend: one key per session, expiring with the session (``EXPIREAT``).

Uses ``redis.asyncio`` (the ``shipyard[redis]`` extra) against ``sessions.redis_url``;
keys are ``sessions.redis_prefix`` + the session id, so Redis itself drops expired ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shipyard.core.clock import utc_now
from shipyard.errors import ShipyardError
from shipyard.sessions.backends import SessionRecord

if TYPE_CHECKING:
    from redis.asyncio import Redis


READ_SCRIPT = """
return {redis.call('GET', KEYS[1]) or false, redis.call('PTTL', KEYS[1])}
"""
"""A session's payload (nil if there is none) and its milliseconds to live, in one command.

One ``EVALSHA`` instead of a two-command pipeline: the same single round trip, without
redis-py's pipeline object, command stack and reset on every request that has a session.
"""


class RedisSessionBackend:
    """Sessions as Redis strings with an absolute expiry."""

    def __init__(self, client: Redis, prefix: str = "shipyard:session:") -> None:
        self.client = client
        self.prefix = prefix
        self._read = client.register_script(READ_SCRIPT)

    @classmethod
    def from_url(cls, url: str, prefix: str = "shipyard:session:") -> RedisSessionBackend:
        """A backend on a new connection pool for ``url`` (connects on first use)."""
        try:
            from redis.asyncio import Redis
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
            raise ShipyardError(
                "sessions.backend is 'redis' but the redis package is not installed",
                hint="pip install 'shipyard[redis]' or set sessions.backend = 'database'",
            ) from exc
        return cls(Redis.from_url(url), prefix)

    def _key(self, session_id: str) -> str:
        return self.prefix + session_id

    async def load(self, session_id: str) -> SessionRecord | None:
        payload, ttl_ms = await self._read(keys=[self._key(session_id)])
        if payload is None or ttl_ms < 0:
            return None
        text = payload.decode() if isinstance(payload, bytes) else str(payload)
        return SessionRecord(text, utc_now() + timedelta(milliseconds=ttl_ms))

    async def save(self, session_id: str, payload: str, expires_at: datetime) -> None:
        await self.client.set(self._key(session_id), payload, pxat=_epoch_ms(expires_at))

    async def touch(self, session_id: str, expires_at: datetime) -> None:
        await self.client.pexpireat(self._key(session_id), _epoch_ms(expires_at))

    async def delete(self, session_id: str) -> None:
        await self.client.delete(self._key(session_id))

    async def close(self) -> None:
        await self.client.aclose()


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
