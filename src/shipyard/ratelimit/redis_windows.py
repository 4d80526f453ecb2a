"""The sliding-window counter on Redis: every check of a request in ONE Lua script call.

The script does :func:`shipyard.ratelimit.window.decide` for each check in order on a
hash ``{w: window, c: current, p: previous}`` per key, with Redis's own clock (``TIME``),
and stops after the first refusal. A script runs atomically, so any number of processes
sharing the server never admit more than the limit together; one ``EVALSHA`` per request
(redis-py's ``register_script`` falls back to ``EVAL`` once after a ``SCRIPT FLUSH``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shipyard.ratelimit.window import Check, Outcome

if TYPE_CHECKING:
    from redis.asyncio import Redis

HIT_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local sliding = ARGV[1] == '1'
local out = {}
for i, key in ipairs(KEYS) do
  local amount = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  local window = math.floor(now / period)
  local elapsed = now - window * period
  local v = redis.call('HMGET', key, 'w', 'c', 'p')
  local w, c, p = tonumber(v[1]), tonumber(v[2]) or 0, tonumber(v[3]) or 0
  if w == window - 1 then
    p = c
    c = 0
  elseif w == nil or w < window - 1 then
    p = 0
    c = 0
  end
  local used = c
  if sliding then
    used = used + math.floor(p * (period - elapsed) / period)
  end
  if used < amount then
    redis.call('HSET', key, 'w', string.format('%d', window), 'c', c + 1, 'p', p)
    redis.call('EXPIREAT', key, string.format('%d', (window + 2) * period))
    out[#out + 1] = {1, amount - used - 1, math.ceil((period - elapsed) * 1000)}
  else
    local wait
    if c >= amount then
      wait = period - elapsed
      if sliding then
        wait = wait + math.max(0, 1 - amount / c) * period
      end
    else
      wait = (1 - (amount - c) / p) * period - elapsed
    end
    out[#out + 1] = {0, 0, math.ceil(wait * 1000) + 1}
    return out
  end
end
return out
"""


class RedisWindows:
    """The counts on a Redis server, under ``prefix``."""

    def __init__(self, client: Redis, *, prefix: str, sliding: bool) -> None:
        self.client = client
        self.prefix = prefix
        self.sliding = sliding
        self._hit = client.register_script(HIT_SCRIPT)

    async def hit(self, checks: Sequence[Check]) -> list[Outcome]:
        """Count one hit against each check in order (one round trip), up to a refusal."""
        args: list[Any] = ["1" if self.sliding else "0"]
        for check in checks:
            args += (check.amount, check.period)
        rows = await self._hit(keys=[self.key(check.key) for check in checks], args=args)
        return [Outcome(bool(row[0]), int(row[1]), int(row[2]) / 1000) for row in rows]

    def key(self, key: str) -> str:
        """The Redis key of the counts of ``key``."""
        return f"{self.prefix}:w:{key}"

    async def reset(self) -> None:
        """Forget every count under the prefix."""
        keys = [key async for key in self.client.scan_iter(match=f"{self.prefix}:w:*")]
        if keys:
            await self.client.delete(*keys)
