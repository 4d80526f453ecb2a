"""Projects made by `shipyard new` pass their own checks right away: ruff, ruff format,
mypy --strict and their tests, with accounts (the default), without (`--no-auth`) and on
PostgreSQL (`--db postgres`, whose tests make their own `<name>_test` database).

Each test generates its own project, so xdist spreads the variants over its workers.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tests.cli.support import generate, run_shipyard

from shipyard.testing.services import postgres_url, require_port

pytestmark = pytest.mark.slow

POST_MODEL = '''

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from shipyard.db import IdMixin


class Post(IdMixin, Model):
    """A blog post."""

    __tablename__ = "posts"

    title: Mapped[str] = mapped_column(String(200))
'''


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def run_tests(project: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)


def assert_checks_pass(project: Path, cache: Path) -> None:
    commands = [
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache)],
    ]
    for command in commands:
        result = run(command, project)
        assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"


async def drop_database(name: str) -> None:
    engine = create_async_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("options", "passed"),
    [
        pytest.param([], 12, id="accounts"),
        pytest.param(["--no-auth"], 5, id="no-auth"),
    ],
)
def test_generated_project_passes_its_checks_and_tests(
    tmp_path: Path, options: list[str], passed: int
) -> None:
    project = generate(tmp_path, "blog", *options)
    assert_checks_pass(project, tmp_path / "mypy")
    result = run_tests(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{passed} passed" in result.stdout


@pytest.mark.postgres
def test_postgres_project_runs_its_tests_on_postgres(tmp_path: Path) -> None:
    require_port("PostgreSQL", "127.0.0.1", 5432)  # the generated settings name this server
    name = f"pg{uuid.uuid4().hex[:10]}"
    project = generate(tmp_path, name, "--db", "postgres")
    try:
        assert_checks_pass(project, tmp_path / "mypy")
        result = run_tests(project)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "12 passed" in result.stdout
        assert not (project / "var").exists(), "the tests should not have used SQLite"
        again = run_tests(project)  # the database exists now: it is reused
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        asyncio.run(drop_database(f"{name}_test"))


def test_tests_name_the_missing_migration_then_pass_once_it_is_written(tmp_path: Path) -> None:
    project = generate(tmp_path, "notes", "--no-auth")
    models = project / "app" / "models.py"
    models.write_text(models.read_text() + POST_MODEL)

    failed = run_tests(project)
    assert failed.returncode == 1
    assert "no migration creates table 'posts' of the models" in failed.stdout
    assert 'shipyard db revision --autogenerate -m "add ..."' in failed.stdout
    assert "Traceback" not in failed.stdout

    written = run_shipyard("db", "revision", "--autogenerate", "-m", "add posts", cwd=project)
    assert written.returncode == 0, written.stderr
    passed = run_tests(project)
    assert passed.returncode == 0, passed.stdout + passed.stderr
