"""``@cached`` functions, ``invalidate_tags`` outside a request and the ``cache`` check."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shipyard import App, Settings
from shipyard.cache import CacheExtension, cached, invalidate_tags
from shipyard.cache.registry import process_registry
from shipyard.core.checks import Finding

calls: list[int] = []


@cached(ttl=60, tags=["ships", "ship:{ship_id}"])
async def ship_summary(ship_id: int, detail: bool = False) -> dict[str, object]:
    calls.append(ship_id)
    await asyncio.sleep(0.01)
    return {"id": ship_id, "detail": detail, "n": len(calls)}


@pytest.fixture(autouse=True)
async def fresh() -> None:
    calls.clear()
    await process_registry().default.clear()


async def test_cached_keys_on_the_bound_arguments() -> None:
    first = await ship_summary(1)
    assert await ship_summary(1) == first
    assert await ship_summary(ship_id=1, detail=False) == first  # same binding, same key
    assert (await ship_summary(1, detail=True))["detail"] is True
    assert (await ship_summary(2))["id"] == 2
    assert calls == [1, 1, 2]


async def test_cached_tags_name_arguments() -> None:
    await ship_summary(1)
    await ship_summary(2)
    await invalidate_tags(None, "ship:1")  # no request: at once
    await ship_summary(1)
    await ship_summary(2)
    assert calls == [1, 2, 1]
    await invalidate_tags(None, "ships")
    await ship_summary(2)
    assert calls == [1, 2, 1, 2]


async def test_cached_computes_once_for_100_concurrent_calls() -> None:
    results = await asyncio.gather(*(ship_summary(7) for _ in range(100)))
    assert calls == [7]
    assert all(result == results[0] for result in results)


def test_cached_needs_an_async_function() -> None:
    with pytest.raises(TypeError, match="async function"):

        @cached(ttl=1)  # type: ignore[arg-type]
        def sync() -> int:
            return 1


async def test_cached_uses_the_started_apps_cache(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {"profile": "test", "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"}}
    )
    app = App(settings=settings, root=tmp_path)
    async with app.router.lifespan_context(app):
        await ship_summary(3)
        from shipyard.cache import get_cache

        assert get_cache(app).stats.computations == 1
    assert process_registry() is not None


def _findings(**cache: object) -> list[Finding]:
    settings = Settings.model_validate({"profile": "test", "cache": cache})
    app = App(settings=settings)
    extension = app.extension(CacheExtension)
    assert extension is not None
    return list(extension.checks(app, deploy=False))


def test_the_redis_backend_without_a_url_is_an_error() -> None:
    findings = _findings(backend="redis")
    assert [finding.id for finding in findings] == ["cache.E001"]
    assert findings[0].level == "error"
    assert _findings(backend="redis", url="redis://127.0.0.1:6379/0") == []
    assert _findings() == []


def test_settings_refuse_bad_values() -> None:
    from pydantic import ValidationError

    for bad in ({"backend": "memcached"}, {"default_ttl": 0}, {"max_entries": -1}):
        with pytest.raises(ValidationError):
            Settings.model_validate({"cache": bad})
