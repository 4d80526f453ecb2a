"""The jobs dashboard's options: where it lives, who may use it, how it refreshes."""

from __future__ import annotations

from dataclasses import dataclass

from shipyard.authz.permissions import validate_required
from shipyard.errors import ShipyardError

DASHBOARD_PERMISSION = "jobs:admin"
"""The permission every dashboard route requires unless told otherwise."""


@dataclass(frozen=True)
class DashboardOptions:
    """Where the dashboard lives, who may use it and how it refreshes."""

    path: str = "/admin/jobs"
    permission: str = DASHBOARD_PERMISSION
    poll_seconds: float = 2.0
    """How often the open page refreshes its live region (htmx polling)."""
    page_size: int = 50
    """How many jobs one tab lists (the newest)."""

    def __post_init__(self) -> None:
        path = self.path
        if not path.startswith("/") or path.endswith("/") or "//" in path:
            raise ShipyardError(
                f"jobs dashboard path {path!r} must look like '/admin/jobs'",
                hint="begin it with one '/', and end it without one",
            )
        validate_required(self.permission)
        if not 0.2 <= self.poll_seconds <= 3600:
            raise ShipyardError(
                f"jobs dashboard poll_seconds={self.poll_seconds} is out of range",
                hint="refresh between every 0.2 seconds and once an hour",
            )
        if not 1 <= self.page_size <= 1000:
            raise ShipyardError(
                f"jobs dashboard page_size={self.page_size} is out of range",
                hint="list between 1 and 1000 jobs per tab",
            )
