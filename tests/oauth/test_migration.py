"""The ``shipyard_oauth`` branch: applied by ``db upgrade``, matching the model, reverted."""

from __future__ import annotations

import pytest
from tests.db.conftest import postgres_database_url, postgres_databases
from tests.db.test_cli import Project, project, write

__all__ = ["postgres_database_url", "postgres_databases", "project"]

pytestmark = pytest.mark.slow

MAIN = """
from shipyard import App
from shipyard.auth import AuthExtension
from shipyard.auth.oauth import OAuthExtension

app = App(extensions=[AuthExtension(), OAuthExtension()])
"""


def test_the_branch_creates_the_table_the_model_describes(project: Project) -> None:
    write(project.root / "app" / "main.py", MAIN)
    project.ok("db", "init")
    assert "shipyard_oauth_0001" in project.ok("db", "upgrade")
    assert {"users", "oauth_identities"} <= project.tables()
    # Autogenerate against the upgraded database finds nothing of ours to change.
    said = project.ok("db", "revision", "-m", "empty", "--autogenerate")
    assert "no changes detected" in said
    project.ok("db", "downgrade", "base")
    assert "oauth_identities" not in project.tables()
