"""Extensions' migration branches: applied by `shipyard db upgrade`, kept out of app revisions.

Each case is a throwaway project driven through the CLI, as in ``test_cli.py``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Connection, Index, inspect, text
from tests.db.test_cli import Project, write

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.db.model import framework_metadata
from shipyard.jobs.database import jobs_table
from shipyard.sessions.database import sessions_table

pytestmark = pytest.mark.slow

ACCOUNTS_MAIN = """
from shipyard import App
from shipyard.auth import AuthExtension
from shipyard.auth.tokens import TokensExtension

from app import models  # noqa: F401

app = App(extensions=[AuthExtension(), TokensExtension(prefix=None)])
"""
NOTES = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.auth import User
from shipyard.db import IdMixin, Model


class Note(IdMixin, Model):
    __tablename__ = "notes"
    body: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey(User.id))
"""
MEMBER = """

class Member(User):
    nickname: Mapped[str | None] = mapped_column(String(50), default=None)
"""


def _versions(project: Project) -> list[Path]:
    return sorted((project.root / "migrations" / "versions").glob("*.py"))


def test_app_revisions_depend_on_the_branches_they_reference(project: Project) -> None:
    write(project.root / "app" / "main.py", ACCOUNTS_MAIN)
    write(project.root / "app" / "models.py", NOTES)
    project.ok("db", "init")
    # Alembic compares against an up-to-date database: the branches are applied first.
    assert "applied shipyard_accounts_0001" in project.ok(
        "db", "revision", "-m", "notes", "--autogenerate"
    )
    [first] = _versions(project)
    script = first.read_text()
    assert '"notes"' in script
    assert '"users"' not in script.replace('["users.id"]', "")  # never creates users
    assert 'depends_on: str | Sequence[str] | None = "shipyard_accounts_0001"' in script

    assert "db.W002" in project.shipyard("check").stdout  # the notes revision is pending
    assert "applied" in project.ok("db", "upgrade")
    assert "db.W002" not in project.shipyard("check").stdout
    assert {"notes", "users", "roles", "user_roles", "api_keys"} <= project.tables()

    # A User subclass on the same table: only its own column reaches the app's revision.
    models = project.root / "app" / "models.py"
    models.write_text(models.read_text() + MEMBER)
    project.ok("db", "revision", "-m", "nickname", "--autogenerate")
    second = next(p for p in _versions(project) if p.name.endswith("nickname.py")).read_text()
    assert "nickname" in second
    assert "email" not in second
    project.ok("db", "upgrade")

    # Relative steps move along the app's line; the branches stay applied.
    project.ok("db", "downgrade", "--", "-2")
    tables = project.tables()
    assert "notes" not in tables
    assert {"users", "shipyard_sessions", "shipyard_jobs"} <= tables
    project.ok("db", "upgrade", "+1")
    assert "notes" in project.tables()

    # base reverts everything, the branches included.
    project.ok("db", "downgrade", "base")
    assert project.tables() <= {"alembic_version"}


def _old_layout(connection: Connection) -> None:
    """What Shipyard made before branches: tables on first use, jobs' first indexes."""
    sessions_table.create(connection)
    old_jobs = jobs_table.to_metadata(framework_metadata.__class__())
    for index in list(old_jobs.indexes):
        old_jobs.indexes.discard(index)
    old_jobs.create(connection)
    Index("ix_shipyard_jobs_fetch", *(old_jobs.c[n] for n in ("queue", "state"))).create(connection)
    connection.execute(text("INSERT INTO shipyard_sessions VALUES ('kept', '{}', '2999-01-01')"))


def test_an_older_database_is_adopted_and_gets_the_new_indexes(project: Project) -> None:
    project.ok("db", "init")
    database = Database(DatabaseSettings(url=SecretStr(project.url)), project.root)

    async def build() -> None:
        (project.root / "var").mkdir(exist_ok=True)
        try:
            async with database.engine.begin() as connection:
                await connection.run_sync(_old_layout)
        finally:
            await database.dispose()

    asyncio.run(build())
    out = project.ok("db", "upgrade")
    assert "applied shipyard_jobs_0004" in out

    async def indexes() -> set[str]:
        try:
            async with database.engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: {
                        i["name"] or "" for i in inspect(sync).get_indexes("shipyard_jobs")
                    }
                )
        finally:
            await database.dispose()

    found = asyncio.run(indexes())
    assert {"ix_shipyard_jobs_waiting", "ix_shipyard_jobs_leases"} <= found
    assert "ix_shipyard_jobs_fetch" not in found
    assert project.query("SELECT id FROM shipyard_sessions") == [("kept",)]
