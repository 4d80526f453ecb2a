"""Prometheus metrics: what is counted, who may scrape, and what promtool says of the page."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.observability.conftest import AppFactory
from tests.observability.test_logs import Shout, routes

from shipyard import App
from shipyard.core.checks import run_checks
from shipyard.jobs import get_jobs

ClientFor = Callable[[App], httpx.AsyncClient]
TOKEN = "scrape-" + "t" * 32


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Every sample called ``name``: its labels (sorted) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def requests_of(text: str, route: str, status: str, method: str = "GET") -> float:
    key = (("method", method), ("route", route), ("status", status))
    return samples(text, "shipyard_http_requests_total").get(key, 0.0)


async def test_requests_are_counted_by_route_template_never_by_raw_path(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = routes(make_app(profile="development"))
    async with app.router.lifespan_context(app):
        client = client_for(app)
        before = (await client.get("/metrics")).text
        for ship in range(3):
            await client.get(f"/ships/{ship}")
        for probe in range(4):
            await client.get(f"/wp-admin/{probe}.php")
        await client.request("PROPFIND", "/ships/1")
        page = await client.get("/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain")
    text = page.text
    assert (
        requests_of(text, "/ships/{ship_id}", "200")
        - requests_of(before, "/ships/{ship_id}", "200")
        == 3
    )
    assert requests_of(text, "<unmatched>", "404") - requests_of(before, "<unmatched>", "404") == 4
    assert requests_of(text, "/ships/{ship_id}", "405", "OTHER") >= 1
    assert "/wp-admin" not in text
    durations = samples(text, "shipyard_http_request_duration_seconds_count")
    assert durations[(("method", "GET"), ("route", "/ships/{ship_id}"))] >= 3
    assert "shipyard_http_requests_in_progress" in text
    pools = samples(text, "shipyard_db_pool_connections")
    assert set(pools) >= {(("state", "in_use"),), (("state", "idle"),)}


async def test_jobs_are_counted_by_queue_name_and_event(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = routes(make_app(profile="development", jobs={"backend": "memory", "inline": True}))
    async with app.router.lifespan_context(app):
        client = client_for(app)
        before = samples((await client.get("/metrics")).text, "shipyard_jobs_total")
        await client.post("/shout")
        after = samples((await client.get("/metrics")).text, "shipyard_jobs_total")
    for event in ("enqueued", "started", "succeeded"):
        key = (("event", event), ("job", Shout.job_name()), ("queue", "default"))
        assert after[key] - before.get(key, 0.0) == 1


async def test_queue_depth_is_read_from_the_jobs_backend(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = routes(make_app(profile="development", jobs={"backend": "memory"}))
    async with app.router.lifespan_context(app):
        client = client_for(app)
        jobs = get_jobs(app)
        for _ in range(2):
            await jobs.enqueue(Shout(word="hi"), queue="mail")
        await jobs.enqueue(Shout(word="later"), delay=3600)
        depth = samples((await client.get("/metrics")).text, "shipyard_jobs_queue_depth")
    assert depth[(("queue", "mail"), ("state", "queued"))] == 2
    assert depth[(("queue", "default"), ("state", "scheduled"))] == 1


async def test_a_scrape_without_the_jobs_tables_still_answers(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = routes(make_app(profile="development", jobs={"backend": "database"}))
    async with app.router.lifespan_context(app):  # no migrations: no shipyard_jobs table
        response = await client_for(app).get("/metrics")
    assert response.status_code == 200
    assert "shipyard_jobs_queue_depth" not in response.text
    assert "shipyard_http_requests_total" in response.text


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 404, id="no-token"),
        pytest.param({"Authorization": "Bearer wrong"}, 404, id="wrong-token"),
        pytest.param({"Authorization": TOKEN}, 404, id="not-bearer"),
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, 200, id="right-token"),
    ],
)
async def test_production_serves_metrics_only_with_the_token(
    make_app: AppFactory,
    client_for: ClientFor,
    headers: dict[str, str],
    status: int,
    restore_logging: None,
) -> None:
    app = make_app(metrics={"token": TOKEN})
    async with app.router.lifespan_context(app):
        response = await client_for(app).get("/metrics", headers=headers)
    assert response.status_code == status
    if status == 404:
        assert "shipyard_http" not in response.text


async def test_production_without_a_token_serves_none_and_the_check_says_so(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = make_app()
    async with app.router.lifespan_context(app):
        response = await client_for(app).get("/metrics")
    assert response.status_code == 404
    [finding] = [f for f in run_checks(app, deploy=True) if f.id == "observability.I001"]
    assert "metrics.token" in finding.hint
    assert not [
        f
        for f in run_checks(make_app(metrics={"token": TOKEN}), deploy=True)
        if f.id == "observability.I001"
    ]


async def test_metrics_can_be_turned_off(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    app = routes(make_app(profile="development", metrics={"enabled": False}))
    async with app.router.lifespan_context(app):
        client = client_for(app)
        assert (await client.get("/ships/1")).status_code == 200
        assert (await client.get("/metrics")).status_code == 404


async def test_promtool_accepts_the_page(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus)")
    app = routes(make_app(profile="development", jobs={"backend": "memory", "inline": True}))
    async with app.router.lifespan_context(app):
        client = client_for(app)
        await client.get("/ships/1")
        await client.post("/shout")
        page = (await client.get("/metrics")).text
    command = [promtool, "check", "metrics"]
    result = await asyncio.to_thread(
        subprocess.run, command, input=page, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_cache_hits_and_misses_are_counted_by_backend(
    make_app: AppFactory, client_for: ClientFor, restore_logging: None
) -> None:
    from shipyard.cache import cache

    app = make_app(profile="development")

    @app.get("/cached")
    @cache(ttl=60)
    async def cached() -> dict[str, bool]:
        return {"ok": True}

    async with app.router.lifespan_context(app):
        client = client_for(app)
        for _ in range(3):
            await client.get("/cached")
        text = (await client.get("/metrics")).text
    counted = samples(text, "shipyard_cache_operations_total")
    assert counted[(("backend", "memory"), ("result", "miss"))] >= 1
    assert counted[(("backend", "memory"), ("result", "hit"))] >= 2
    assert counted[(("backend", "memory"), ("result", "set"))] >= 1
