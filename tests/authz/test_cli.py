"""`shipyard users` and `shipyard roles` end to end on a tmp project (CliRunner)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from shipyard.cli.main import cli
from shipyard.testing import schema

APP_SOURCE = """
from shipyard import App, Settings

app = App(
    settings=Settings.model_validate(
        {{
            "profile": "test",
            "database": {{"url": "sqlite+aiosqlite:///{db}"}},
            "auth": {{"argon2_time_cost": 1, "argon2_memory_cost": 8}},
        }}
    ),
    root={root!r},
)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A tmp project with an app module and its tables; yields the ``--app`` spec."""
    module = f"cliapp_{uuid.uuid4().hex[:8]}"
    database = tmp_path / "app.db"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE.format(db=database, root=str(tmp_path)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])

    async def create_tables() -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
        async with engine.begin() as connection:
            await connection.run_sync(schema.create_tables)
        await engine.dispose()

    asyncio.run(create_tables())
    yield f"{module}:app"
    sys.modules.pop(module, None)


def shipyard(spec: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--app", spec], input=stdin)
    return result.exit_code, result.output


def test_users_and_roles_lifecycle(project: str) -> None:
    code, out = shipyard(
        project, "users", "create", "Ann@Example.com", "-p", "a long passphrase 1", "--admin"
    )
    assert code == 0, out
    assert "created ann@example.com (admin)" in out
    code, out = shipyard(
        project, "roles", "create", "editor", "--permission", "posts:*", "-p", "*:read"
    )
    assert code == 0, out
    assert (
        shipyard(
            project,
            "users",
            "create",
            "bob@example.com",
            stdin="another long pass 2\nanother long pass 2\n",
        )[0]
        == 0
    )
    assert shipyard(project, "users", "promote", "bob@example.com", "--role", "editor")[0] == 0
    assert shipyard(project, "roles", "grant", "editor", "comments:delete")[0] == 0
    assert shipyard(project, "roles", "revoke", "editor", "*:read")[0] == 0
    assert shipyard(project, "roles", "deactivate", "editor")[0] == 0
    assert shipyard(project, "users", "deactivate", "bob@example.com")[0] == 0
    code, roles = shipyard(project, "roles", "list")
    assert code == 0
    editor_row = next(line for line in roles.splitlines() if "editor" in line)
    assert "no" in editor_row
    assert "posts:* comments:delete" in editor_row
    assert "*" in next(line for line in roles.splitlines() if "admin" in line)
    code, users = shipyard(project, "users", "list")
    bob_row = next(line for line in users.splitlines() if "bob@" in line)
    assert "no" in bob_row
    assert "editor" in bob_row
    assert "admin" in next(line for line in users.splitlines() if "ann@" in line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "promote", "ghost@example.com", "--role", "admin"], "no user with the email"),
        (["users", "deactivate", "ghost@example.com"], "no user with the email"),
        (["roles", "grant", "ghost", "posts:read"], "no role named 'ghost'"),
        (["roles", "create", "bad", "--permission", "posts"], "invalid permission 'posts'"),
        (["users", "create", "x@example.com", "-p", "short"], "password rejected"),
    ],
)
def test_errors_are_one_line_and_exit_1(project: str, args: list[str], message: str) -> None:
    code, out = shipyard(project, *args)
    assert code == 1
    assert message in out
    assert "Traceback" not in out
    assert len([line for line in out.splitlines() if line.strip()]) == 1


def test_duplicates_are_refused(project: str) -> None:
    assert shipyard(project, "roles", "create", "editor")[0] == 0
    code, out = shipyard(project, "roles", "create", "editor")
    assert code == 1
    assert "already exists" in out
    assert (
        shipyard(project, "users", "create", "a@example.com", "-p", "a long passphrase 1")[0] == 0
    )
    code, out = shipyard(project, "users", "create", "A@EXAMPLE.com", "-p", "a long passphrase 1")
    assert code == 1
    assert "exists" in out


def test_missing_tables_say_how_to_fix(tmp_path: Path, project: str) -> None:
    (tmp_path / "app.db").unlink()
    code, out = shipyard(project, "users", "list")
    assert code == 1
    assert "shipyard db upgrade" in out


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(cli, ["roles", "create", "--help"])
    assert result.exit_code == 0
    assert "shipyard roles create editor" in result.output
