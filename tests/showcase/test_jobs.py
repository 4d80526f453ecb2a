"""The showcase's jobs: the /jobs page, the dashboard at /admin/jobs and who may use them."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import httpx

from shipyard.app import App
from shipyard.jobs import get_jobs
from shipyard.testing.jobs import QueuedJobs

from .accounts import add_user, csrf_token, log_in


def _client(app: App) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_home_links_the_jobs_page_and_it_links_the_dashboard(
    client: httpx.AsyncClient,
) -> None:
    home = await client.get("/")
    assert re.search(r'<a href="/jobs">Jobs</a>.*?status-available', home.text, re.S)
    page = await client.get("/jobs")
    assert page.status_code == 200
    assert 'href="/admin/jobs"' in page.text
    assert "fleet-census" in page.text
    assert 'id="inspect-form"' not in page.text  # anonymous: no forms


async def test_members_without_jobs_admin_are_kept_out(member: httpx.AsyncClient) -> None:
    assert (await member.get("/admin/jobs")).status_code == 403
    token = await csrf_token(member, "/jobs")
    refused = await member.post("/jobs/wreck", data={"csrf_token": token})
    assert refused.status_code == 403


async def test_admin_enqueues_a_job_and_sees_it_on_the_dashboard(started_app: App) -> None:
    await add_user(started_app, "admiral@example.test", permissions=["*"])
    async with _client(started_app) as admin:
        await log_in(admin, "admiral@example.test")
        token = await csrf_token(admin, "/jobs")
        sent = await admin.post("/jobs/inspect", data={"csrf_token": token, "ship": "Nautilus"})
        assert sent.status_code == 303
        await get_jobs(started_app).drain()  # the first attempt fails: no such ship
        page = await admin.get("/admin/jobs?state=failed")
        assert page.status_code == 200
        assert '<nav class="nav" hx-boost="true"' in page.text  # inside the showcase's layout
        assert "showcase.inspect_ship" in page.text
        assert "no ship named &#39;Nautilus&#39; in the fleet" in page.text
        assert 'data-schedule="fleet-census"' in page.text


async def test_a_shipwreck_waits_in_the_queue_then_ends_dead(
    started_app: App, queued_jobs: QueuedJobs
) -> None:
    await add_user(started_app, "captain@example.test", permissions=["jobs:admin"])
    async with _client(started_app) as captain:
        await log_in(captain, "captain@example.test")
        token = await csrf_token(captain, "/jobs")
        assert (await captain.post("/jobs/wreck", data={"csrf_token": token})).status_code == 303
    # The showcase's app/ is importable only once its fixtures ran: resolve the class.
    shipwreck = get_jobs(started_app).registry.resolve("showcase.shipwreck")
    assert await queued_jobs.pending(shipwreck) == [shipwreck()]
    assert await queued_jobs.run() == 1  # attempt 1 of 3 fails; retries back off 0.5 s, 1 s
    assert await queued_jobs.advance(0.5) == 1
    assert await queued_jobs.advance(1) == 1
    [dead] = await queued_jobs.records(states=("dead",))
    assert (dead.attempts, dead.last_error) == (
        3,
        "RuntimeError: the ship ran aground (attempt 3 of 3)",
    )


def _only_mail(folder: Path) -> EmailMessage:
    [path] = folder.glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def test_a_passed_inspection_mails_its_report(
    started_app: App, api: httpx.AsyncClient, queued_jobs: QueuedJobs, mail_dir: Path
) -> None:
    created = await api.post("/api/ships", json={"name": "Calypso"})
    assert created.status_code == 201, created.text
    ship_id = created.json()["id"]
    await add_user(started_app, "admiral@example.test", permissions=["*"])
    async with _client(started_app) as admin:
        await log_in(admin, "admiral@example.test")
        token = await csrf_token(admin, "/jobs")
        sent = await admin.post("/jobs/inspect", data={"csrf_token": token, "ship": "Calypso"})
        assert sent.status_code == 303
        assert await queued_jobs.run() == 1
        report = _only_mail(mail_dir)
        assert report["To"] == "fleet-office@example.com"
        assert report["Subject"] == "Inspection passed: Calypso"
        html, text = report.get_body(("html",)), report.get_body(("plain",))
        assert html is not None
        assert text is not None
        assert f"/ships/{ship_id}" in text.get_content()  # derived from the HTML
        # The class is in the previewer, rendered with its sample data.
        preview = await admin.get("/_shipyard/mail/showcase.inspection_report")
        assert preview.status_code == 200
        assert "Inspection passed: Endeavour" in preview.text
        assert "List-Unsubscribe" in preview.text
