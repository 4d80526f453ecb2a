"""Mounting the dashboard: the ``JobsDashboard`` extension and ``mount_dashboard()``.

::

    app = App(extensions=[JobsDashboard("/admin/jobs")])
    # or, on an app that exists already:
    mount_dashboard(app, "/admin/jobs", permission="jobs:admin")

Nothing is added to other routes' request path: the dashboard is one router under its
path, and its permission check runs only there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.extension import Extension
from shipyard.jobs.dashboard.options import DASHBOARD_PERMISSION, DashboardOptions
from shipyard.jobs.dashboard.pages import dashboard_pages

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class JobsDashboard(Extension):
    """Mounts the jobs dashboard under ``path`` for holders of ``permission``."""

    name = "jobs-dashboard"

    def __init__(
        self,
        path: str = "/admin/jobs",
        *,
        permission: str = DASHBOARD_PERMISSION,
        poll_seconds: float = 2.0,
        page_size: int = 50,
    ) -> None:
        self.options = DashboardOptions(path, permission, poll_seconds, page_size)

    def setup(self, app: AppBase) -> None:
        app.include_router(dashboard_pages(self.options), prefix=self.options.path)


def mount_dashboard(
    app: AppBase,
    path: str = "/admin/jobs",
    *,
    permission: str = DASHBOARD_PERMISSION,
    poll_seconds: float = 2.0,
    page_size: int = 50,
) -> JobsDashboard:
    """Add a :class:`JobsDashboard` to ``app`` (call it before the app starts)."""
    dashboard = JobsDashboard(
        path, permission=permission, poll_seconds=poll_seconds, page_size=page_size
    )
    app.add_extension(dashboard)
    return dashboard
