"""The dashboard's routes, all behind the dashboard permission (``HasPermission``).

- ``GET {path}?state=dead&live=1``: the page; an htmx request (the polling, the tabs,
  Pause/Resume) gets only its live region (``{% block live %}``).
- ``GET {path}/jobs/{id}``: one job with its arguments, error and traceback; the live
  region ``{% block detail %}`` for htmx.
- ``POST {path}/jobs/{id}/{retry|cancel|discard}``: the action (CSRF-checked by the
  middleware, like every unsafe request). htmx gets the flash message out of band and a
  ``jobs-changed`` event, which refreshes the live region at once; a plain form post is
  redirected (303) to the job, or to the list once the job is discarded.
- ``POST {path}/dead/{retry-all|discard-all}``: every dead job at once, answered the
  same way (a plain post goes back to the dead tab).

Anonymous visitors are sent to the login page (``HX-Redirect`` for htmx); users without
the permission get 403. An unknown id is a 404, an action the job's state does not allow
a 409; a bad ``state`` is a 422.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, Path, Request
from fastapi.responses import Response

from shipyard.authz.dependencies import HasPermission
from shipyard.jobs.backend import State
from shipyard.jobs.dashboard.actions import (
    ACTIONS,
    ActionName,
    allowed_actions,
    job_not_found,
    perform,
)
from shipyard.jobs.dashboard.options import DashboardOptions
from shipyard.jobs.dashboard.overview import TABS, overview
from shipyard.jobs.extension import get_jobs
from shipyard.security import flash, flash_oob
from shipyard.web import PageRouter, render
from shipyard.web.htmx import htmx, htmx_redirect, trigger

CHANGED_EVENT = "jobs-changed"
"""Sent after an action; the live regions listen for it on ``body``."""
JobId = Annotated[str, Path(min_length=1, max_length=200)]


def _with_query(url: str, **params: Any) -> str:
    return f"{url}?{urlencode(params)}"


def _common(request: Request, options: DashboardOptions, live: bool) -> dict[str, Any]:
    return {
        "options": options,
        "live": live,
        "poll_ms": round(options.poll_seconds * 1000),
        "allowed_actions": allowed_actions,
        "with_query": _with_query,
        "dashboard_url": str(request.url_for("jobs_dashboard").path),
    }


def dashboard_pages(options: DashboardOptions) -> PageRouter:
    """The dashboard's router (mounted by :class:`~shipyard.jobs.dashboard.JobsDashboard`)."""
    router = PageRouter(dependencies=[Depends(HasPermission(options.permission))])

    @router.get("", name="jobs_dashboard")
    async def dashboard(request: Request, state: State = "running", live: bool = True) -> Response:
        view = await overview(get_jobs(request.app), state, limit=options.page_size)
        context = {**_common(request, options, live), "view": view, "tabs": TABS}
        return render(request, "jobs/dashboard.html", context, fragment="live")

    @router.get("/jobs/{job_id}", name="jobs_dashboard_job")
    async def job_detail(request: Request, job_id: JobId, live: bool = True) -> Response:
        jobs = get_jobs(request.app)
        job = await jobs.backend.get(job_id)
        if job is None:
            raise job_not_found(job_id)
        context = {
            **_common(request, options, live),
            "job": job,
            "now": jobs.clock(),
            "payload": json.dumps(job.payload, indent=2, ensure_ascii=False, sort_keys=True),
        }
        return render(request, "jobs/job.html", context, fragment="detail")

    @router.post("/jobs/{job_id}/{action}", name="jobs_dashboard_action")
    async def act(request: Request, job_id: JobId, action: ActionName) -> Response:
        chosen = ACTIONS[action]
        job = await perform(get_jobs(request.app).backend, job_id, chosen)
        if action == "discard":
            target = _with_query(str(request.url_for("jobs_dashboard").path), state=job.state)
        else:
            target = str(request.url_for("jobs_dashboard_job", job_id=job.id).path)
        return _done(request, f"Job {job.id} {chosen.done}", target)

    @router.post("/dead/{bulk}", name="jobs_dashboard_bulk")
    async def act_on_dead(request: Request, bulk: Literal["retry-all", "discard-all"]) -> Response:
        jobs = get_jobs(request.app)
        if bulk == "retry-all":
            message = f"{await jobs.retry_dead()} dead job(s) queued again."
        else:
            message = f"{await jobs.backend.purge(states=['dead'])} dead job(s) discarded."
        target = _with_query(str(request.url_for("jobs_dashboard").path), state="dead")
        return _done(request, message, target)

    return router


def _done(request: Request, message: str, target: str) -> Response:
    """After an action: the flash message and ``jobs-changed`` for htmx, else a redirect."""
    flash(request, message, "success")
    if htmx(request).request:
        return trigger(Response(flash_oob(request), media_type="text/html"), CHANGED_EVENT)
    return htmx_redirect(request, target)
