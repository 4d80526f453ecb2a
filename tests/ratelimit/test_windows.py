"""The sliding-window counter: its arithmetic, constant memory, one Redis call, exactness."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from tests.ratelimit.conftest import ClientFactory

from shipyard import Settings
from shipyard.ratelimit import Limiter, get_limiter
from shipyard.ratelimit import window as window_module
from shipyard.ratelimit.redis_windows import RedisWindows
from shipyard.ratelimit.window import Check, MemoryWindows, decide
from shipyard.testing.services import redis_url, require_port

CHECK = Check("k", 10, 60)


def test_previous_window_decays_over_the_current_one() -> None:
    # 10 hits last window: at the start nothing is left, half-way 5, at the end all 10.
    assert not decide(CHECK, 0.0, 0, 10, sliding=True).allowed
    assert decide(CHECK, 30.0, 4, 10, sliding=True).remaining == 0
    assert not decide(CHECK, 30.0, 5, 10, sliding=True).allowed
    assert decide(CHECK, 59.0, 9, 10, sliding=True).allowed
    assert decide(CHECK, 0.0, 9, 10, sliding=False).allowed


@pytest.mark.parametrize(
    ("elapsed", "current", "previous"), [(0.0, 0, 10), (30.0, 5, 10), (12.5, 10, 0), (40.0, 10, 7)]
)
def test_refusal_waits_exactly_until_a_hit_is_admitted(
    elapsed: float, current: int, previous: int
) -> None:
    refused = decide(CHECK, elapsed, current, previous, sliding=True)
    assert not refused.allowed
    later = elapsed + refused.reset_after
    if later >= CHECK.period:  # the next window: these hits become the previous ones
        current, previous, later = 0, current, later - CHECK.period
    assert decide(CHECK, later, current, previous, sliding=True).allowed
    before = max(0.0, later - 0.01)
    assert not decide(CHECK, before, current, previous, sliding=True).allowed


async def test_memory_keeps_three_numbers_per_key_and_sweeps_idle_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(window_module, "time", SimpleNamespace(time=lambda: now[0]))
    windows = MemoryWindows(sliding=True)
    limiter = Limiter(windows)
    for _ in range(5000):
        await limiter.hit("1000000/minute", "one-key")
    assert len(windows) == 1
    assert len(windows._counts["1000000/60/one-key"]) == 3
    for address in range(5000):  # a flood of fresh client addresses
        await limiter.hit("5/second", f"ip:{address}")
    assert len(windows) == 5001
    now[0] += window_module.SWEEP_EVERY + 2  # every window of the flood is idle by then
    await limiter.hit("5/second", "ip:new")
    assert len(windows) == 2


async def test_memory_hits_stop_at_the_first_refusal() -> None:
    limiter = Limiter(MemoryWindows(sliding=True))
    await limiter.hit("1/minute", "a")
    decisions = await limiter.hit_all(
        [("5/minute", ("b",)), ("1/minute", ("a",)), ("5/minute", ("c",))]
    )
    assert [d.allowed for d in decisions] == [True, False]
    assert (await limiter.hit("5/minute", "b")).remaining == 3  # b was counted once
    assert (await limiter.hit("5/minute", "c")).remaining == 4  # c was not counted


def redis_limiter(prefix: str, strategy: str = "sliding-window") -> Limiter:
    require_port("Redis", "127.0.0.1", 6379)
    settings = Settings.model_validate(
        {
            "profile": "test",
            "ratelimit": {
                "storage": "redis",
                "redis_url": redis_url(),
                "key_prefix": prefix,
                "strategy": strategy,
            },
        }
    )
    return Limiter.from_settings(settings.ratelimit)


@pytest.mark.redis
async def test_two_redis_clients_hitting_at_once_admit_exactly_the_limits() -> None:
    prefix = f"test-rl-{uuid.uuid4().hex}"
    one, two = redis_limiter(prefix), redis_limiter(prefix)
    hits: list[tuple[str, tuple[str, ...]]] = [
        ("40/minute", ("global", "ip:1")),
        ("15/minute", ("GET /x", "ip:1")),
    ]
    results = await asyncio.gather(*(limiter.hit_all(hits) for limiter in (one, two) * 50))
    admitted_both = sum(
        all(d.allowed for d in decisions) and len(decisions) == 2 for decisions in results
    )
    global_counted = sum(decisions[0].allowed for decisions in results)
    assert admitted_both == 15
    assert global_counted == 40
    await one.reset()


@pytest.mark.redis
@pytest.mark.parametrize("strategy", ["sliding-window", "fixed-window"])
async def test_redis_and_memory_decide_alike(strategy: str) -> None:
    limiter = redis_limiter(f"test-rl-{uuid.uuid4().hex}", strategy)
    memory = Limiter(MemoryWindows(sliding=strategy == "sliding-window"))
    for _ in range(7):
        on_redis = await limiter.hit("5/hour", "k")
        in_memory = await memory.hit("5/hour", "k")
        assert (on_redis.allowed, on_redis.remaining) == (in_memory.allowed, in_memory.remaining)
        assert abs(on_redis.reset_after - in_memory.reset_after) <= 1
    await limiter.reset()


@pytest.mark.redis
def test_each_limit_of_a_request_is_one_redis_round_trip(
    make_client: ClientFactory,
) -> None:
    require_port("Redis", "127.0.0.1", 6379)
    client = make_client(
        storage="redis", redis_url=redis_url(), key_prefix=f"test-rl-{uuid.uuid4().hex}"
    )
    windows = get_limiter(client.app).windows  # type: ignore[arg-type]
    assert isinstance(windows, RedisWindows)
    commands: list[Any] = []
    execute: Any = windows.client.execute_command

    async def counting(*args: Any, **options: Any) -> Any:
        commands.append(args[0])
        return await execute(*args, **options)

    windows.client.execute_command = counting  # type: ignore[method-assign]
    client.get("/open")  # warms the script cache (EVALSHA, or EVAL once)
    for path, remaining, calls in (("/open", "58", 1), ("/limited", "1", 2), ("/limited", "0", 2)):
        commands.clear()
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["RateLimit-Remaining"] == remaining
        assert commands == ["EVALSHA"] * calls  # the global limit, then the route's
    commands.clear()
    assert client.get("/limited").status_code == 429
    assert commands == ["EVALSHA"] * 2
