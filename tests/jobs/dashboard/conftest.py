"""The dashboard's test app: accounts, the dashboard at /admin/jobs, jobs in memory.

``app`` overrides the plugin's, so ``client`` (``get_as``/``post_as``) and ``db_session``
work as in a project. ``people`` are an admin (``*``), an operator holding only
``jobs:admin``, and a user without it; ``jobs`` is the started app's Jobs service.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from tests.db.settings import sqlite_settings
from tests.jobs.dashboard.support import Greet

from shipyard import App
from shipyard.auth import AuthExtension, User
from shipyard.jobs import Jobs, get_jobs
from shipyard.jobs.cron import cron
from shipyard.jobs.dashboard import JobsDashboard
from shipyard.testing import Scenario
from shipyard.testing.schema import create_app_schema


@pytest.fixture
def app(tmp_path: Path) -> App:
    """An app with the account pages and the dashboard, jobs in memory."""
    settings = sqlite_settings(
        tmp_path / "dashboard.db",
        auth={"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1},
        jobs={"backend": "memory"},
    )
    extensions = [AuthExtension(prefix="/account"), JobsDashboard("/admin/jobs")]
    application = App(settings=settings, root=tmp_path, extensions=extensions)
    cron(application, "*/5 * * * *", Greet(who="cron"), name="greet-every-5")

    application.on_startup(create_app_schema)
    return application


@dataclass
class People:
    admin: User
    operator: User
    stranger: User


@pytest.fixture
async def people(db_session: AsyncSession) -> People:
    built = await (
        Scenario()
        .with_role("admin", permissions=["*"])
        .with_role("operator", permissions=["jobs:admin"])
        .with_role("editor", permissions=["posts:*", "jobs:read"])
        .with_user(roles=["admin"])
        .with_user(roles=["operator"])
        .with_user(roles=["editor"])
        .build(db_session)
    )
    admin, operator, stranger = built.users
    return People(admin, operator, stranger)


@pytest.fixture
def jobs(started_app: App) -> Jobs:
    return get_jobs(started_app)
