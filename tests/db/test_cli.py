"""`shipyard db ...` end to end, in a throwaway project, on SQLite and PostgreSQL.

Each command runs in a subprocess in the project folder (as a user would run it), so the
project's models are the only ones on ``Model.metadata``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Connection, inspect, text
from tests.db.backends import BACKENDS

from shipyard.config.models import DatabaseSettings
from shipyard.db import Database
from shipyard.testing.services import free_port

pytestmark = pytest.mark.slow

MAIN = """
from shipyard import App

from app import models  # noqa: F401

app = App()
"""
MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.db import IdMixin, Model, TimestampMixin


class Author(IdMixin, Model):
    __tablename__ = "authors"
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Post(IdMixin, TimestampMixin, Model):
    __tablename__ = "posts"
    title: Mapped[str] = mapped_column(String(200), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
"""
BODY_COLUMN = """
    body: Mapped[str | None] = mapped_column(String(2000))
"""
SEEDS = """
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Author, Post


async def seed(session: AsyncSession) -> None:
    author = Author(name="ada")
    session.add(author)
    await session.flush()
    session.add(Post(title="hello", author_id=author.id))
"""


@dataclass
class Project:
    root: Path
    url: str

    def shipyard(
        self, *args: str, answer: str | None = None, url: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "SHIPYARD_APP": "app.main:app",
            "SHIPYARD_DATABASE__URL": url or self.url,
            "COLUMNS": "200",
        }
        return subprocess.run(
            [sys.executable, "-m", "shipyard.cli.main", *args],
            cwd=self.root,
            env=env,
            input=answer,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def ok(self, *args: str, answer: str | None = None) -> str:
        result = self.shipyard(*args, answer=answer)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def query(self, sql: str) -> list[tuple[object, ...]]:
        return asyncio.run(_query(self.url, self.root, sql))

    def tables(self) -> set[str]:
        return asyncio.run(_tables(self.url, self.root))


async def _query(url: str, root: Path, sql: str) -> list[tuple[object, ...]]:
    database = Database(DatabaseSettings(url=SecretStr(url)), root)
    try:
        async with database.engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql))]
    finally:
        await database.dispose()


async def _tables(url: str, root: Path) -> set[str]:
    database = Database(DatabaseSettings(url=SecretStr(url)), root)

    def names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await database.dispose()


def write(path: Path, source: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")


@pytest.fixture(params=BACKENDS)
def project(
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Project:
    """A minimal project (app/main.py, app/models.py, app/seeds.py) on each backend."""
    if request.param == "sqlite":
        url = "sqlite+aiosqlite:///var/app.db"
    else:
        make_database: Callable[[], str] = request.getfixturevalue("postgres_databases")
        url = make_database()
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    write(tmp_path / "app" / "seeds.py", SEEDS)
    return Project(tmp_path, url)


def test_migration_workflow(project: Project) -> None:
    sqlite = project.url.startswith("sqlite")
    assert "created" in project.ok("db", "init")
    assert (project.root / "migrations" / "env.py").is_file()
    history = project.ok("db", "history")
    assert "no app migrations yet" in history
    assert "shipyard_sessions_0001" in history  # the extensions' branches are listed
    assert "shipyard_jobs" in history

    out = project.ok("db", "revision", "-m", "create posts", "--autogenerate")
    [first] = (project.root / "migrations" / "versions").glob("*create_posts.py")
    assert f"wrote {first}" in out.replace("\n", "")
    script = first.read_text()
    assert 'op.create_table(\n        "posts",' in script  # tidied by ruff format
    assert "sa.DateTime(timezone=True)" in script
    assert "shipyard" not in script  # rendered with plain SQLAlchemy types only
    assert ("batch_alter_table" in script) is sqlite
    ruff = [sys.executable, "-m", "ruff"]
    assert subprocess.run([*ruff, "check", "--quiet", str(first)], check=False).returncode == 0
    assert subprocess.run([*ruff, "format", "--check", str(first)], check=False).returncode == 0

    assert "applied" in project.ok("db", "upgrade")
    tables = project.tables()
    assert {"authors", "posts", "alembic_version"} <= tables
    assert {"shipyard_sessions", "shipyard_jobs"} <= tables  # the extensions' branches
    assert "users" not in tables  # no accounts extension, no account tables
    assert "users" not in script
    assert "no changes detected" in project.ok("db", "revision", "-m", "noop", "--autogenerate")

    # A column change: SQLite needs batch mode to drop it again on downgrade.
    models = project.root / "app" / "models.py"
    models.write_text(models.read_text() + textwrap.dedent(BODY_COLUMN).replace("\n", "\n    "))
    project.ok("db", "revision", "-m", "add body", "--autogenerate")
    project.ok("db", "upgrade")
    [(count,)] = project.query("SELECT count(*) FROM posts WHERE body IS NULL")
    assert count == 0
    [second] = [
        p.stem.split("_")[1]
        for p in (project.root / "migrations" / "versions").glob("*add_body.py")
    ]
    assert second in project.ok("db", "current")
    history = project.ok("db", "history")
    assert "add body" in history
    assert "create posts" in history

    assert "seed data written" in project.ok("db", "seed")
    assert project.query("SELECT title FROM posts") == [("hello",)]

    declined = project.shipyard("db", "reset", answer="n\n")
    assert declined.returncode == 1
    assert "reset cancelled" in declined.stdout
    assert project.query("SELECT title FROM posts") == [("hello",)]

    project.ok("db", "reset", "--yes", "--seed")
    assert project.query("SELECT title FROM posts") == [("hello",)]

    out = project.ok("db", "downgrade")
    assert "reverted" in out
    [(columns,)] = project.query("SELECT count(*) FROM posts")  # table still there
    assert columns == 1
    project.ok("db", "downgrade", "base")
    assert "posts" not in project.tables()
    assert "authors" not in project.tables()
    assert "database at base" in project.ok("db", "current")


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


@pytest.mark.parametrize("command", ["upgrade", "current", "seed"])
def test_unreachable_database_is_one_line(tmp_path: Path, command: str) -> None:
    project = Project(tmp_path, "")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    write(tmp_path / "app" / "seeds.py", SEEDS)
    project.url = f"postgresql+asyncpg://user:hunter2@127.0.0.1:{free_port()}/app"
    init = project.shipyard("db", "init")
    assert init.returncode == 0, init.stderr
    line = one_error_line(project.shipyard("db", command))
    assert "database unreachable at postgresql+asyncpg://user:***@127.0.0.1:" in line
    assert "hunter2" not in line


def test_missing_migrations_folder_is_one_line(tmp_path: Path) -> None:
    project = Project(tmp_path, "sqlite+aiosqlite:///var/app.db")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    line = one_error_line(project.shipyard("db", "upgrade"))
    assert "no migrations folder at" in line
    assert "shipyard db init" in line


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    project = Project(tmp_path, "sqlite+aiosqlite:///var/app.db")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    write(tmp_path / "migrations" / "mine.txt", "keep me")
    assert "already exists and is not empty" in one_error_line(project.shipyard("db", "init"))


@pytest.mark.parametrize(
    ("seeds", "fragment"),
    [
        (None, "no seeds file at"),
        ("def seed(session):\n    pass\n", "has no async function `seed`"),
        ("raise KeyError('boom')\n", "raised KeyError"),
        ("async def seed(session):\n    raise ValueError('bad row')\n", "raised ValueError: bad"),
    ],
)
def test_bad_seeds_are_one_line(tmp_path: Path, seeds: str | None, fragment: str) -> None:
    project = Project(tmp_path, "sqlite+aiosqlite:///var/app.db")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    if seeds is not None:
        write(tmp_path / "app" / "seeds.py", seeds)
    assert fragment in one_error_line(project.shipyard("db", "seed"))


def test_revision_without_message_is_rejected(tmp_path: Path) -> None:
    project = Project(tmp_path, "sqlite+aiosqlite:///var/app.db")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    project.ok("db", "init")
    assert "needs a message" in one_error_line(project.shipyard("db", "revision", "-m", " "))
    downgrade = project.shipyard("db", "downgrade")  # nothing applied yet
    assert "nothing to move from" in one_error_line(downgrade)


PLAIN_ALEMBIC = """
from alembic import command
from alembic.config import Config

from shipyard.core.discovery import load_app
from shipyard.db.migrations import Migrations

# Plain Alembic needs the extensions' branches as version locations too.
locations = Migrations.for_app(load_app(None)).config().get_main_option("version_locations")
config = Config()
config.set_main_option("script_location", "migrations")
config.set_main_option("path_separator", "os")
config.set_main_option("version_locations", locations)
command.upgrade(config, "heads")
"""


def test_env_py_loads_the_app_under_plain_alembic(tmp_path: Path) -> None:
    project = Project(tmp_path, "sqlite+aiosqlite:///var/app.db")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "main.py", MAIN)
    write(tmp_path / "app" / "models.py", MODELS)
    project.ok("db", "init")
    project.ok("db", "revision", "-m", "create posts", "--autogenerate")
    env = {
        **os.environ,
        "SHIPYARD_APP": "app.main:app",
        "SHIPYARD_DATABASE__URL": project.url,
    }
    result = subprocess.run(
        [sys.executable, "-c", PLAIN_ALEMBIC],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert {"authors", "posts"} <= project.tables()
