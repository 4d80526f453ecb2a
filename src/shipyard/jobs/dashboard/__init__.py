"""The jobs dashboard: an htmx page of queues, jobs and cron schedules, for admins.

Owns the dashboard's routes (:mod:`.pages`: the page, its polled fragments and the
retry, cancel and discard actions), what they show (:mod:`.overview`) and how an app
mounts them (:class:`JobsDashboard`, :func:`mount_dashboard`). Every route requires one
permission, ``jobs:admin`` by default, that nobody holds until a role grants it (an
admin role with ``*`` does). It does not own the jobs themselves: it reads and changes
them through the app's :class:`~shipyard.jobs.api.Jobs` backend, like the jobs CLI.
Templates live in ``shipyard/templates/jobs/`` (an app overrides ``jobs/layout.html`` to
put the dashboard inside its own layout).
"""

from shipyard.jobs.dashboard.extension import (
    JobsDashboard,
    mount_dashboard,
)
from shipyard.jobs.dashboard.options import DASHBOARD_PERMISSION, DashboardOptions

__all__ = ["DASHBOARD_PERMISSION", "DashboardOptions", "JobsDashboard", "mount_dashboard"]
