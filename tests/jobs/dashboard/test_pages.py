"""The dashboard as an admin sees it: queues, tabs, fragments, details, schedules."""

from __future__ import annotations

import re

from tests.jobs.dashboard.conftest import People
from tests.jobs.dashboard.support import HOSTILE, Explode, Greet, dead_job

from shipyard.jobs import Jobs
from shipyard.testing import ShipyardClient

HX = {"HX-Request": "true"}


async def test_page_lists_queues_tabs_and_schedules(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    dead = await dead_job(jobs)
    await jobs.enqueue(Greet(who="done"))
    await jobs.drain()
    await jobs.enqueue(Greet(who="later"), delay=3600)
    page = await client.get_as(people.admin, "/admin/jobs?state=dead")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<html" in html
    assert 'id="jobs-live"' in html
    assert 'hx-trigger="every 2000ms, jobs-changed from:body"' in html
    row = re.search(r'<tr data-queue="default">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row.group(1))
    # queue, depth, queued, scheduled, running, failed, dead, last minute, last hour
    assert cells == ["default", "1", "0", "1", "0", "0", "1", "2", "2"]
    assert 'id="jobs-tab-dead" aria-current="page">Dead <span class="jobs-count">1' in html
    assert f'data-job="{dead}"' in html
    assert 'data-schedule="greet-every-5"' in html
    assert "*/5 * * * *" in html
    next_run = re.search(r'class="jobs-next-run"><time datetime="[^"]+">[^<]*:(\d\d):00<', html)
    assert next_run is not None
    assert int(next_run.group(1)) % 5 == 0


async def test_each_tab_lists_its_state(client: ShipyardClient, people: People, jobs: Jobs) -> None:
    later = await jobs.enqueue(Greet(who="later"), delay=3600)
    dead = await dead_job(jobs)
    scheduled = await client.get_as(people.admin, "/admin/jobs?state=scheduled")
    assert f'data-job="{later}"' in scheduled.text
    assert f'data-job="{dead}"' not in scheduled.text
    empty = await client.get_as(people.admin, "/admin/jobs")  # running, the default tab
    assert "No running jobs." in empty.text


async def test_htmx_gets_the_live_fragment_only(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    await dead_job(jobs)
    fragment = await client.get_as(people.admin, "/admin/jobs?state=dead", headers=HX)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="jobs-live"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    detail_id = await dead_job(jobs)
    detail = await client.get_as(people.admin, f"/admin/jobs/jobs/{detail_id}", headers=HX)
    assert detail.text.lstrip().startswith('<section id="job-detail"')


async def test_pause_stops_the_polling_but_not_the_refresh_after_actions(
    client: ShipyardClient, people: People
) -> None:
    paused = await client.get_as(people.admin, "/admin/jobs?state=dead&live=0", headers=HX)
    assert 'hx-trigger="jobs-changed from:body"' in paused.text
    assert "every" not in paused.text.split(">", 1)[0]
    assert 'id="jobs-resume"' in paused.text
    live = await client.get_as(people.admin, "/admin/jobs?state=dead&live=1", headers=HX)
    assert 'id="jobs-pause"' in live.text


async def test_detail_shows_arguments_error_and_traceback_escaped(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    job_id = await dead_job(jobs)
    page = await client.get_as(people.admin, f"/admin/jobs/jobs/{job_id}")
    assert page.status_code == 200
    html = page.text
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in html
    assert re.search(r'<pre id="job-payload">\{\s+&#34;message&#34;: &#34;&lt;script', html)
    assert '<pre id="job-error">ValueError: &lt;script&gt;' in html
    assert re.search(r'<pre id="job-traceback">Traceback \(most recent call last\)', html)
    assert 'id="job-state">dead<' in html
    assert "/retry" in html
    assert "/discard" in html
    assert "/cancel" not in html


async def test_list_escapes_hostile_errors_too(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    await dead_job(jobs)
    for headers in ({}, HX):
        page = await client.get_as(people.admin, "/admin/jobs?state=dead", headers=headers)
        assert HOSTILE not in page.text
        assert "ValueError: &lt;script&gt;" in page.text


async def test_a_long_tab_says_how_many_it_leaves_out(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    await jobs.enqueue_many([Explode() for _ in range(52)])
    await jobs.drain()
    page = await client.get_as(people.admin, "/admin/jobs?state=dead")
    assert page.text.count('class="jobs-action-retry"') == 50
    assert "The newest 50 of 52 dead jobs" in page.text
    assert "shipyard jobs list --state dead --limit 52" in page.text
    short = await client.get_as(people.admin, "/admin/jobs?state=succeeded")
    assert "The newest" not in short.text
