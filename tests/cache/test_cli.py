"""``shipyard cache stats`` and ``shipyard cache clear`` against real Redis and SQLite."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cache.conftest import redis_server, unique_prefix
from typer.testing import CliRunner

from shipyard.cache import Cache, RedisStore
from shipyard.cli.main import cli

APP_SOURCE = """
from pathlib import Path

from shipyard import App

app = App(root=Path(__file__).parent)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    module = f"cacheapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    yield f"{module}:app"
    sys.modules.pop(module, None)


def run(project: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["cache", *args, "--app", project])
    return result.exit_code, result.output


async def _fill(url: str, prefix: str) -> None:
    cache = Cache(RedisStore.from_url(url), prefix=prefix)
    try:
        await cache.set("a", 1, tags=["posts"])
        await cache.set("b", 2, tags=["users"])
    finally:
        await cache.close()


async def _read(url: str, prefix: str) -> dict[str, object]:
    cache = Cache(RedisStore.from_url(url), prefix=prefix)
    try:
        return await cache.get_many(["a", "b"])
    finally:
        await cache.close()


def test_stats_and_clear_on_redis(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url, prefix = redis_server(), unique_prefix()
    monkeypatch.setenv("SHIPYARD_CACHE__BACKEND", "redis")
    monkeypatch.setenv("SHIPYARD_CACHE__URL", url)
    monkeypatch.setenv("SHIPYARD_CACHE__KEY_PREFIX", prefix)
    asyncio.run(_fill(url, prefix))
    code, output = run(project, "stats")
    assert code == 0, output
    assert "backend: redis" in output
    assert "keys stored: 2" in output  # tags get a version key when first invalidated
    code, output = run(project, "clear", "--tag", "posts")
    assert code == 0, output
    assert asyncio.run(_read(url, prefix)) == {"b": 2}
    code, output = run(project, "clear")
    assert code == 0, output
    assert "removed" in output
    assert asyncio.run(_read(url, prefix)) == {}


def test_clear_on_the_database_table(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPYARD_CACHE__BACKEND", "database")
    code, output = run(project, "stats")
    assert code == 1  # no table yet: one clear error line
    assert "database cache cannot be reached" in output
    assert "Traceback" not in output
    code, output = run(project, "clear", "--backend", "memcached")
    assert code == 1
    assert "unknown cache backend" in output


def test_the_memory_backend_cannot_be_reached_from_a_command(project: str) -> None:
    code, output = run(project, "clear")
    assert code == 1
    assert "inside each server process" in output


def test_an_unreachable_redis_is_one_error_line(
    project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIPYARD_CACHE__BACKEND", "redis")
    monkeypatch.setenv("SHIPYARD_CACHE__URL", "redis://127.0.0.1:1/0")
    code, output = run(project, "stats")
    assert code == 1
    assert "redis cache cannot be reached" in output
    assert "Traceback" not in output
