"""``shipyard new``: create a project from the scaffold template.

:func:`register` also adds the commands that inspect an existing project, ``routes``
(:mod:`shipyard.cli.routes`) and ``shell`` (:mod:`shipyard.cli.shell`).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from shipyard.cli import routes, shell
from shipyard.cli.errors import handle_errors
from shipyard.scaffold.generator import render_project, validate_project_name

console = Console(highlight=False)


class DatabaseChoice(StrEnum):
    """The database a new project uses, in development and in its tests."""

    sqlite = "sqlite"
    postgres = "postgres"


def register(cli: typer.Typer) -> None:
    """Add ``new``, ``routes`` and ``shell`` to the root command."""
    cli.command(
        "new",
        epilog="Example: shipyard new blog --db postgres",
    )(handle_errors(new))
    routes.register(cli)
    shell.register(cli)


def new(
    name: Annotated[str, typer.Argument(help="Project name: letters, digits, '-', '_'.")],
    db: Annotated[
        DatabaseChoice,
        typer.Option(
            "--db",
            help="The database of development and tests (postgres: a local server at "
            "127.0.0.1:5432; the tests create their own NAME_test database).",
        ),
    ] = DatabaseChoice.sqlite,
    auth: Annotated[
        bool,
        typer.Option(
            "--auth/--no-auth",
            help="Accounts: register, log in, reset password, API tokens, an admin seed.",
        ),
    ] = True,
    directory: Annotated[
        Path | None,
        typer.Option("--directory", "-d", help="Where to write it (default: ./NAME)."),
    ] = None,
) -> None:
    """Create a new Shipyard project whose tests pass right away."""
    validate_project_name(name)
    target = (directory or Path(name)).resolve()
    written = render_project(name, target, db=db.value, auth=auth)
    written += _init_migrations(target / "migrations")
    _print_summary(name, target, len(written), db, auth)


def _init_migrations(path: Path) -> list[Path]:
    from shipyard.db.migrations import init_migrations

    before = set(path.rglob("*")) if path.exists() else set()
    init_migrations(path)
    return sorted(p for p in path.rglob("*") if p.is_file() and p not in before)


def _print_summary(name: str, target: Path, count: int, db: DatabaseChoice, auth: bool) -> None:
    shown = os.path.relpath(target)
    location = str(target) if shown.startswith("..") else shown
    steps = [f"cd {location}", 'pip install -e ".[dev]"  # if shipyard is not installed yet']
    if db is DatabaseChoice.postgres:
        steps.append(f"createdb -h 127.0.0.1 -U postgres {validate_project_name(name)}")
    steps += [
        "shipyard dev  # http://127.0.0.1:8000, reloads on changes",
        "pytest        # the generated tests pass",
    ]
    body = "\n".join(f"  [bold]$[/] {escape(step)}" for step in steps)
    accounts = (
        "\n\nAccounts are at /account (an admin: ADMIN_EMAIL=... ADMIN_PASSWORD=... "
        "shipyard db seed)."
        if auth
        else ""
    )
    console.print(
        Panel(
            f"Created [bold]{escape(name)}[/] in {escape(location)} "
            f"({count} files, {db.value} database).{escape(accounts)}\n\nNext steps:\n{body}",
            title="shipyard new",
            expand=False,
        )
    )
