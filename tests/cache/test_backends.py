"""The one cache interface on every backend, against the real servers: values, TTL,
counters, tags, clearing and stampede protection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.cache.conftest import unique_prefix

from shipyard.cache import Cache, MemoryStore
from shipyard.cache.codec import FRAMED
from shipyard.cache.store import Store


async def test_set_get_delete_and_many(cache: Cache) -> None:
    assert await cache.get("missing") is None
    assert await cache.get("missing", "fallback") == "fallback"
    await cache.set("a", {"n": 1, "raw": b"\x00\xff", "list": [1, "x"]})
    assert await cache.get("a") == {"n": 1, "raw": b"\x00\xff", "list": [1, "x"]}
    await cache.set_many({"b": 2, "c": "three"})
    assert await cache.get_many(["a", "b", "c", "d"]) == {
        "a": {"n": 1, "raw": b"\x00\xff", "list": [1, "x"]},
        "b": 2,
        "c": "three",
    }
    assert await cache.delete("b", "d") == 1
    assert await cache.get("b") is None
    await cache.set("a", "replaced")
    assert await cache.get("a") == "replaced"
    assert cache.stats.hits >= 4
    assert cache.stats.misses >= 3


async def test_long_keys_are_hashed_and_still_distinct(cache: Cache) -> None:
    await cache.set("k" * 400, 1)
    await cache.set("k" * 399 + "j", 2)
    assert await cache.get("k" * 400) == 1
    assert await cache.get("k" * 399 + "j") == 2


async def test_ttl_expires(cache: Cache) -> None:
    await cache.set("short", "soon gone", ttl=0.05)
    await cache.set("long", "stays", ttl=60)
    await asyncio.sleep(0.3)
    assert await cache.get("short") is None
    assert await cache.get("long") == "stays"


async def test_incr_counts_and_expires(cache: Cache) -> None:
    assert await cache.incr("hits") == 1
    assert await cache.incr("hits", 4) == 5
    assert await cache.incr("hits", 0) == 5
    assert await cache.incr("brief", 3, ttl=0.05) == 3
    await asyncio.sleep(0.3)
    assert await cache.incr("brief", 1, ttl=60) == 1  # expired: starts again


async def test_tags_invalidate_only_their_entries(cache: Cache) -> None:
    await cache.set("post:1", "one", tags=["posts", "post:1"])
    await cache.set("post:2", "two", tags=["posts", "post:2"])
    await cache.set("user:1", "ada", tags=["users"])
    await cache.invalidate_tags("post:1")
    assert await cache.get_many(["post:1", "post:2", "user:1"]) == {
        "post:2": "two",
        "user:1": "ada",
    }
    await cache.invalidate_tags("posts")
    assert await cache.get("post:2") is None
    assert await cache.get("user:1") == "ada"
    await cache.set("post:2", "two again", tags=["posts"])  # stored under the new version
    assert await cache.get("post:2") == "two again"


async def test_clear_removes_only_this_prefix(cache: Cache) -> None:
    other = Cache(cache.store, prefix=unique_prefix())
    await cache.set("x", 1)
    await other.set("x", 2)
    assert await cache.clear() >= 1
    assert await cache.get("x") is None
    assert await other.get("x") == 2


async def test_values_must_be_json_on_shared_backends(
    shared_store_factory: tuple[str, Callable[[], Store]],
) -> None:
    cache = Cache(shared_store_factory[1](), prefix=unique_prefix())
    with pytest.raises(TypeError, match="JSON, bytes, a date, datetime, Decimal or UUID"):
        await cache.set("obj", object())


async def test_database_scalars_round_trip_through_shared_backends(
    shared_store_factory: tuple[str, Callable[[], Store]],
) -> None:
    cache = Cache(shared_store_factory[1](), prefix=unique_prefix())
    row = {
        "at": datetime(2026, 12, 7, 7, 20, tzinfo=UTC),
        "on": date(1892, 10, 26),
        "price": Decimal("1234.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "raw": b"\x00\xff",
        "more": [b"", {"nested": bytearray(b"\x01" * 3000)}],
        "lookalike": {"$dt": 5},
        "not a reference": {"$r": "0"},
        "no such blob": {"$r": 9},
    }
    await cache.set("row", row)
    assert await cache.get("row") == {**row, "more": [b"", {"nested": b"\x01" * 3000}]}


@pytest.mark.parametrize(
    "stored",
    [
        FRAMED,  # no JSON
        FRAMED + b"\x00\x00\x00\x09{}",  # the JSON cut short
        FRAMED + b"\x00\x00\x00\x02{}\x00\x00\x01\x00ab",  # a byte string cut short
        FRAMED + b"\x00\x00\x00\x03{x}",  # not JSON
    ],
)
async def test_a_damaged_framed_value_is_a_miss(
    shared_store_factory: tuple[str, Callable[[], Store]], stored: bytes
) -> None:
    cache = Cache(shared_store_factory[1](), prefix=unique_prefix())
    await cache.store.set_many({cache.key("bad"): stored}, 60)
    assert await cache.get("bad") is None


async def test_values_stored_as_plain_json_with_base64_bytes_still_read_back(
    shared_store_factory: tuple[str, Callable[[], Store]],
) -> None:
    """What an earlier release wrote (bytes as ``{"$b": ...}`` in the JSON) reads back."""
    cache = Cache(shared_store_factory[1](), prefix=unique_prefix())
    earlier = b'{"v":{"body":{"$b":"AP8="}},"t":null,"s":1.0,"e":null}'
    await cache.store.set_many({cache.key("old"): earlier}, 60)
    assert await cache.get("old") == {"body": b"\x00\xff"}


async def test_corrupt_stored_data_is_a_miss(
    shared_store_factory: tuple[str, Callable[[], Store]],
) -> None:
    cache = Cache(shared_store_factory[1](), prefix=unique_prefix())
    await cache.store.set_many({cache.key("bad"): b"not json at all"}, 60)
    assert await cache.get("bad") is None


async def test_get_or_set_computes_once_for_100_concurrent_misses(cache: Cache) -> None:
    calls = 0
    release = asyncio.Event()

    async def compute() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return "value"

    tasks = [asyncio.create_task(cache.get_or_set("hot", compute)) for _ in range(100)]
    await asyncio.sleep(0.05)
    release.set()
    assert await asyncio.gather(*tasks) == ["value"] * 100
    assert calls == 1
    assert await cache.get_or_set("hot", compute) == "value"
    assert calls == 1


async def test_concurrent_reads_of_one_key_share_one_round_trip_on_remote_stores(
    cache: Cache,
) -> None:
    """A burst of hits on one key costs Redis one read; the other stores read per caller
    (the database reads inside the caller's own transaction)."""
    await cache.set("hot", {"page": 1}, tags=["ships"])
    reads = 0
    original = cache.store.read

    async def counted(
        keys: Sequence[str], counter_keys: Sequence[str]
    ) -> tuple[list[object | None], list[int]]:
        nonlocal reads
        reads += 1
        return await original(keys, counter_keys)

    cache.store.read = counted  # type: ignore[method-assign]
    hits_before = cache.stats.hits
    entries = await asyncio.gather(*(cache.get_entry("hot", tags=["ships"]) for _ in range(50)))
    assert [entry.value if entry else None for entry in entries] == [{"page": 1}] * 50
    assert cache.stats.hits - hits_before == 50
    assert reads == (1 if cache.store.remote else 50)
    await cache.invalidate_tags("ships")
    assert await cache.get_entry("hot", tags=["ships"]) is None


async def test_two_processes_compute_once_through_the_store_lock(
    shared_store_factory: tuple[str, Callable[[], Store]],
) -> None:
    """Two caches on one shared store (two processes): 100 concurrent misses, 1 computation."""
    _backend, make = shared_store_factory
    prefix = unique_prefix()
    first = Cache(make(), prefix=prefix, default_ttl=60)
    second = Cache(make(), prefix=prefix, default_ttl=60)
    calls = 0
    release = asyncio.Event()

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return 42

    tasks = [
        asyncio.create_task((first if n % 2 else second).get_or_set("shared", compute))
        for n in range(100)
    ]
    await asyncio.sleep(0.2)
    release.set()
    assert await asyncio.gather(*tasks) == [42] * 100
    assert calls == 1


async def test_failed_computation_reaches_every_waiter_and_is_not_cached(cache: Cache) -> None:
    release = asyncio.Event()

    async def broken() -> str:
        await release.wait()
        raise RuntimeError("boom")

    tasks = [asyncio.create_task(cache.get_or_set("broken", broken)) for _ in range(5)]
    await asyncio.sleep(0.05)
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(result, RuntimeError) for result in results)
    assert await cache.get("broken") is None


async def test_memory_backend_keeps_at_most_max_entries() -> None:
    cache = Cache(MemoryStore(3), prefix="p:")
    for n in range(3):
        await cache.set(f"k{n}", n)
    assert await cache.get("k0") == 0  # now the most recently used
    await cache.set("k3", 3)
    assert await cache.get_many(["k0", "k1", "k2", "k3"]) == {"k0": 0, "k2": 2, "k3": 3}
    await cache.invalidate_tags(*(f"tag{n}" for n in range(10)))  # tag versions are kept apart
    assert len(cache.store) == 3  # type: ignore[arg-type]


async def test_early_refresh_recomputes_before_expiry(cache: Cache) -> None:
    values = iter(["first", "second"])

    async def compute() -> str:
        return next(values)

    assert await cache.get_or_set("fresh", compute, ttl=60, early_refresh=1) == "first"
    assert await cache.get_or_set("fresh", compute, ttl=60, early_refresh=1) == "first"
    await cache.set("fresh", "first", ttl=0.5)  # now it expires within the refresh window
    assert await cache.get_or_set("fresh", compute, ttl=60, early_refresh=1) == "second"
    assert await cache.get("fresh") == "second"


async def test_get_or_set_respects_tags(cache: Cache) -> None:
    counter = 0

    async def compute() -> int:
        nonlocal counter
        counter += 1
        return counter

    assert await cache.get_or_set("tagged", compute, tags=["t"]) == 1
    assert await cache.get_or_set("tagged", compute, tags=["t"]) == 1
    await cache.invalidate_tags("t")
    assert await cache.get_or_set("tagged", compute, tags=["t"]) == 2


async def test_expected_tags_are_read_with_the_entry(
    store_factory: tuple[str, Callable[[], Store]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hit whose tags the caller names costs one store read; other tags a second one."""
    store = store_factory[1]()
    cache = Cache(store, prefix=unique_prefix())
    trips: list[list[str]] = []
    counters = store.counters

    async def counted(keys: Sequence[str]) -> list[int]:
        trips.append(list(keys))
        return await counters(keys)

    monkeypatch.setattr(store, "counters", counted)
    await cache.set("fleet", 1, tags=["ships", "crews"])
    trips.clear()
    entry = await cache.get_entry("fleet", tags=["crews", "ships"])
    assert entry is not None
    assert entry.value == 1
    assert trips == []

    await cache.invalidate_tags("crews")
    assert await cache.get_entry("fleet", tags=["crews", "ships"]) is None
    await cache.set("fleet", 2, tags=["ships", "crews"])
    trips.clear()
    entry = await cache.get_entry("fleet", tags=["ships"])
    assert entry is not None
    assert entry.value == 2
    assert trips == [[cache.key("crews", "t")]]  # the tag it was not told about
    await cache.invalidate_tags("crews")
    assert await cache.get_entry("fleet", tags=["ships"]) is None
