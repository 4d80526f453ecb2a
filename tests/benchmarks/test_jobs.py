"""The jobs benchmark end to end with tiny counts: every phase yields sane figures.

Fifty jobs through Shipyard and one peer per store (separate worker processes, the real
Redis and PostgreSQL); the numbers themselves are not judged, only that they exist, are
positive and that the Markdown region carries them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.jobs import cli, probe, stores
from benchmarks.jobs.driver import Figures, Plan
from benchmarks.jobs.table import Failed
from rich.console import Console

from benchmarks import report
from shipyard.testing.services import require_port

PLAN = Plan(jobs=50, latency_jobs=20, rate=200.0, warmup=5, timeout=20.0)


@pytest.fixture(autouse=True)
def _own_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redis db 12 and a database of its own: a real benchmark run may be going on."""
    monkeypatch.setenv(probe.REDIS_ENV, probe.bench_redis_url().rsplit("/", 1)[0] + "/12")
    monkeypatch.setenv(stores.POSTGRES_ENV, stores.bench_postgres_url() + "_test")


def _assert_sane(results: list[Figures | Failed], systems: list[str]) -> list[Figures]:
    """Every system measured, with positive figures; returns them, Shipyard's first."""
    assert [row.system for row in results] == systems
    figures = [row for row in results if isinstance(row, Figures)]
    assert figures == results, results
    for row in figures:
        assert row.enqueue > 0
        assert row.processed > 0
        assert 0 < row.p50_ms <= row.p99_ms < 5_000
    assert figures[0].enqueue_bulk is not None  # Shipyard has enqueue_many
    return figures


@pytest.mark.slow
@pytest.mark.redis
async def test_redis_systems_measure_and_render(tmp_path: Path) -> None:
    require_port("Redis", "127.0.0.1", 6379)
    systems = ["shipyard-redis", "taskiq"]
    results, notes = await cli.run(systems, PLAN, Console(quiet=True))
    assert _assert_sane(results, systems)[1].enqueue_bulk is None  # taskiq has no bulk call
    output = tmp_path / "BENCHMARKS.md"
    start, end = report.markers(cli.SECTION)
    output.write_text(f"prose\n{start}\n{end}\nmore prose\n")
    report.write(output, cli.markdown_for(results, notes, PLAN), cli.SECTION)
    text = output.read_text()
    assert text.startswith("prose\n")
    assert text.endswith("more prose\n")
    assert "| shipyard-redis | redis |" in text
    assert "| taskiq | redis |" in text


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
async def test_postgres_systems_measure() -> None:
    require_port("Redis", "127.0.0.1", 6379)
    require_port("PostgreSQL", "127.0.0.1", 5432)
    systems = ["shipyard-db", "procrastinate"]
    results, _ = await cli.run(systems, PLAN, Console(quiet=True))
    assert _assert_sane(results, systems)[1].enqueue_bulk is not None  # batch_defer_async
