"""``/jobs``: what the showcase's jobs do, and forms that enqueue them.

Anyone can read the page; enqueueing needs ``jobs:admin`` (the dashboard's permission;
the seeded admin role holds ``*``). Each form posts, the job is stored, a flash message
links to the dashboard where it can be watched, retried or discarded.
"""

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from shipyard.auth import optional_user
from shipyard.authz import HasPermission
from shipyard.jobs import get_jobs
from shipyard.jobs.dashboard import DASHBOARD_PERMISSION
from shipyard.web import PageRouter, render
from shipyard.web.flash import flash

from app.jobs.tasks import InspectShip, Shipwreck

pages = PageRouter(prefix="/jobs", tags=["jobs"], dependencies=[Depends(optional_user)])
MAY_ENQUEUE = [Depends(HasPermission(DASHBOARD_PERMISSION))]


def _back(request: Request) -> Response:
    return RedirectResponse(request.url_for("jobs_demo").path, status_code=303)


@pages.get("", name="jobs_demo")
async def jobs_demo(request: Request) -> Response:
    """The sample jobs and the cron schedule, with forms to enqueue the jobs."""
    schedules = get_jobs(request.app).schedules
    return render(request, "jobs/demo.html", {"schedules": schedules})


@pages.post("/inspect", name="jobs_demo_inspect", dependencies=MAY_ENQUEUE)
async def inspect(request: Request, ship: str = Form(min_length=1, max_length=100)) -> Response:
    """Enqueue an inspection of ``ship`` (dead letters if there is no such ship)."""
    job_id = await get_jobs(request.app).enqueue(InspectShip(ship=ship))
    flash(request, f"Inspection of {ship} enqueued as job {job_id}.", "success")
    return _back(request)


@pages.post("/wreck", name="jobs_demo_wreck", dependencies=MAY_ENQUEUE)
async def wreck(request: Request) -> Response:
    """Enqueue a job that always fails."""
    job_id = await get_jobs(request.app).enqueue(Shipwreck())
    flash(request, f"Shipwreck enqueued as job {job_id}: it will end in the dead letters.")
    return _back(request)
