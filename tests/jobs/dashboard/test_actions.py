"""Retry, cancel and discard from the dashboard, for htmx and plain form posts."""

from __future__ import annotations

import pytest
from tests.jobs.dashboard.conftest import People
from tests.jobs.dashboard.support import READY, Greet, Inspect, dead_job

from shipyard.jobs import Jobs
from shipyard.testing import ShipyardClient

HX = {"HX-Request": "true"}


async def state(jobs: Jobs, job_id: str) -> str | None:
    record = await jobs.backend.get(job_id)
    return None if record is None else record.state


async def test_retry_a_dead_job_after_fixing_its_cause(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    job_id = await dead_job(jobs, Inspect(target="Fram"))
    READY.add("Fram")
    try:
        response = await client.post_as(
            people.operator, f"/admin/jobs/jobs/{job_id}/retry", headers=HX
        )
        assert response.status_code == 200, response.text
        assert response.headers["hx-trigger"] == "jobs-changed"
        assert 'hx-swap-oob="innerHTML:#flash-messages"' in response.text
        assert f"Job {job_id} is queued again." in response.text
        assert await state(jobs, job_id) == "queued"
        await jobs.drain()
        assert await state(jobs, job_id) == "succeeded"
    finally:
        READY.discard("Fram")
    page = await client.get_as(people.operator, f"/admin/jobs/jobs/{job_id}", headers=HX)
    assert 'id="job-state">succeeded<' in page.text


async def test_plain_form_posts_redirect(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    job_id = await dead_job(jobs)
    retried = await client.post_as(people.admin, f"/admin/jobs/jobs/{job_id}/retry")
    assert retried.status_code == 303
    assert retried.headers["location"] == f"/admin/jobs/jobs/{job_id}"
    await jobs.drain()  # Explode fails again: dead
    discarded = await client.post_as(people.admin, f"/admin/jobs/jobs/{job_id}/discard")
    assert discarded.status_code == 303
    assert discarded.headers["location"] == "/admin/jobs?state=dead"
    assert await state(jobs, job_id) is None
    page = await client.get_as(people.admin, "/admin/jobs?state=dead")
    assert f"Job {job_id} is discarded." in page.text  # the flash message


async def test_cancel_a_job_that_has_not_started(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    job_id = await jobs.enqueue(Greet(who="later"), delay=3600)
    response = await client.post_as(people.admin, f"/admin/jobs/jobs/{job_id}/cancel", headers=HX)
    assert response.status_code == 200
    assert await state(jobs, job_id) == "cancelled"
    discarded = await client.post_as(people.admin, f"/admin/jobs/jobs/{job_id}/discard", headers=HX)
    assert discarded.status_code == 200
    assert await state(jobs, job_id) is None


@pytest.mark.parametrize(
    ("action", "setup", "reason"),
    [
        ("retry", "succeeded", "only dead or failed jobs can be retried"),
        ("cancel", "dead", "only jobs that have not started"),
        ("discard", "scheduled", "only finished jobs"),
    ],
)
async def test_an_action_the_state_does_not_allow_is_a_409(
    client: ShipyardClient, people: People, jobs: Jobs, action: str, setup: str, reason: str
) -> None:
    if setup == "dead":
        job_id = await dead_job(jobs)
    elif setup == "scheduled":
        job_id = await jobs.enqueue(Greet(who="later"), delay=3600)
    else:
        job_id = await jobs.enqueue(Greet(who="now"))
        await jobs.drain()
    response = await client.post_as(people.admin, f"/admin/jobs/jobs/{job_id}/{action}")
    assert response.status_code == 409, response.text
    assert f"Job {job_id} is {setup}: {reason}" in response.text
    assert await state(jobs, job_id) == setup


async def test_unknown_jobs_and_bad_input_are_4xx_not_500(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    admin = people.admin
    missing = await client.get_as(admin, "/admin/jobs/jobs/no-such-job")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "There is no job 'no-such-job' (any more)."
    hostile = await client.get_as(admin, "/admin/jobs/jobs/<b>x", headers={"Accept": "text/html"})
    assert hostile.status_code == 404
    assert "There is no job &#39;&lt;b&gt;x&#39;" in hostile.text
    for action in ("retry", "cancel", "discard"):
        response = await client.post_as(admin, f"/admin/jobs/jobs/no-such-job/{action}")
        assert response.status_code == 404
    job_id = await dead_job(jobs)
    assert (await client.post_as(admin, f"/admin/jobs/jobs/{job_id}/explode")).status_code == 422
    assert (await client.get_as(admin, "/admin/jobs?state=sunk")).status_code == 422
    assert (await client.get_as(admin, "/admin/jobs?live=maybe")).status_code == 422
    long_id = "x" * 500
    assert (await client.get_as(admin, f"/admin/jobs/jobs/{long_id}")).status_code == 422
    assert await state(jobs, job_id) == "dead"


async def test_retry_all_and_discard_all_act_on_every_dead_job(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    dead = [await dead_job(jobs) for _ in range(3)]
    page = await client.get_as(people.admin, "/admin/jobs?state=dead")
    assert 'id="jobs-retry-all"' in page.text
    assert "hx-confirm=" in page.text
    retried = await client.post_as(people.admin, "/admin/jobs/dead/retry-all", headers=HX)
    assert retried.status_code == 200, retried.text
    assert retried.headers["hx-trigger"] == "jobs-changed"
    assert "3 dead job(s) queued again." in retried.text
    assert [await state(jobs, job_id) for job_id in dead] == ["queued"] * 3
    await jobs.drain()  # Explode fails again: dead
    discarded = await client.post_as(people.admin, "/admin/jobs/dead/discard-all")
    assert discarded.status_code == 303
    assert discarded.headers["location"] == "/admin/jobs?state=dead"
    assert [await state(jobs, job_id) for job_id in dead] == [None] * 3
    page = await client.get_as(people.admin, "/admin/jobs?state=dead")
    assert 'id="jobs-retry-all"' not in page.text, "no bulk buttons without dead jobs"
    unknown = await client.post_as(people.admin, "/admin/jobs/dead/explode-all")
    assert unknown.status_code == 422
