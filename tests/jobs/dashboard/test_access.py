"""Who may use the dashboard: the permission on every route, logins, CSRF, mounting."""

from __future__ import annotations

import pytest
from tests.jobs.dashboard.conftest import People
from tests.jobs.dashboard.support import dead_job

from shipyard.errors import ShipyardError
from shipyard.jobs import Jobs
from shipyard.jobs.dashboard import DashboardOptions, JobsDashboard
from shipyard.testing import ShipyardClient

HX = {"HX-Request": "true"}


def routes(job_id: str) -> list[tuple[str, str]]:
    """Every dashboard route, the polled fragments and the actions included."""
    return [
        ("GET", "/admin/jobs"),
        ("GET", "/admin/jobs?state=dead&live=1"),
        ("GET", f"/admin/jobs/jobs/{job_id}"),
        ("GET", f"/admin/jobs/jobs/{job_id}?live=0"),
        ("POST", f"/admin/jobs/jobs/{job_id}/retry"),
        ("POST", f"/admin/jobs/jobs/{job_id}/cancel"),
        ("POST", f"/admin/jobs/jobs/{job_id}/discard"),
        ("POST", "/admin/jobs/dead/retry-all"),
        ("POST", "/admin/jobs/dead/discard-all"),
    ]


async def test_a_user_without_the_permission_gets_403_everywhere(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    job_id = await dead_job(jobs)
    stranger = await client.as_user(people.stranger)
    for method, url in routes(job_id):
        for headers in ({}, HX):
            response = await stranger.request(method, url, headers=headers)
            assert response.status_code == 403, (method, url, headers)
    assert (await jobs.backend.get(job_id)) is not None


async def test_wildcard_admin_and_jobs_admin_operator_are_let_in(
    client: ShipyardClient, people: People
) -> None:
    for user in (people.admin, people.operator):
        assert (await client.get_as(user, "/admin/jobs")).status_code == 200


async def test_anonymous_visitors_are_sent_to_login(client: ShipyardClient, jobs: Jobs) -> None:
    job_id = await dead_job(jobs)
    for method, url in routes(job_id)[:4]:
        browser = await client.request(method, url, headers={"Accept": "text/html"})
        assert browser.status_code == 303, url
        assert browser.headers["location"].startswith("/account/login?next=%2Fadmin%2Fjobs")
        polled = await client.request(method, url, headers={**HX, "Accept": "text/html"})
        assert polled.status_code == 200, url
        assert polled.headers["hx-redirect"].startswith("/account/login?next=")
        assert polled.text == ""
    for method, url in routes(job_id)[4:]:
        response = await client.request(method, url, headers={"Accept": "text/html"})
        assert response.status_code in (303, 403), url
    assert (await jobs.backend.get(job_id)) is not None


async def test_actions_without_or_with_a_forged_csrf_token_are_refused(
    client: ShipyardClient, people: People, jobs: Jobs
) -> None:
    job_id = await dead_job(jobs)
    bare = await client.as_user(people.admin, csrf=False)
    url = f"/admin/jobs/jobs/{job_id}/retry"
    for headers in ({}, HX, {"X-CSRF-Token": "forged"}, {**HX, "X-CSRF-Token": "forged"}):
        refused = await bare.post(url, headers=headers)
        assert refused.status_code == 403, headers
        assert "CSRF" in refused.text
    other = await client.as_user(people.admin)
    stolen = await bare.post(url, headers={"X-CSRF-Token": other.csrf_token()})
    assert stolen.status_code == 403
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.state == "dead"
    good = await bare.post(url, data={"csrf_token": bare.csrf_token()})
    assert good.status_code == 303


def test_options_are_checked_when_the_app_is_built() -> None:
    with pytest.raises(ShipyardError, match="must look like"):
        JobsDashboard("admin/jobs")
    with pytest.raises(ShipyardError, match="must look like"):
        JobsDashboard("/admin/jobs/")
    with pytest.raises(ShipyardError, match="invalid required permission"):
        JobsDashboard(permission="jobs:*")
    with pytest.raises(ShipyardError, match="poll_seconds"):
        DashboardOptions(poll_seconds=0)
    with pytest.raises(ShipyardError, match="page_size"):
        DashboardOptions(page_size=0)
    assert DashboardOptions().permission == "jobs:admin"
