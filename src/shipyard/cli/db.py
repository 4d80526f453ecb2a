"""``shipyard db``: migrations (Alembic), seed data and resets for the app's database.

Every command finds the app like the rest of the CLI (``--app``, ``SHIPYARD_APP``,
``[tool.shipyard] app``, ``app.main:app``) and uses its ``database`` settings for the
``--profile`` chosen. Failures (no app, unreachable database, a broken migration) are one
``error:`` line and exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import Migrations, init_migrations, run_coroutine
from shipyard.db.seeds import DEFAULT_SEEDS, SeedFunction, load_seed, run_seed

app = typer.Typer(
    name="db",
    help="Migrate and seed the app's database.\n\nExample: shipyard db upgrade",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False)

SeedsOption = Annotated[
    Path | None,
    typer.Option("--seeds", help=f"Seeds file (default: {DEFAULT_SEEDS} in the project)."),
]


def _say(line: str) -> None:
    console.print(escape(line))


def _migrations(spec: str | None, profile: str | None) -> Migrations:
    return Migrations.for_app(
        load_app(spec, profile=profile), report=lambda line: _say(f"  {line}")
    )


def _where(migrations: Migrations) -> str:
    return Database(migrations.settings, migrations.root).redacted_url


def _show_current(migrations: Migrations) -> None:
    heads = migrations.current()
    _say(f"database at {', '.join(heads)}" if heads else "database at base (no migration applied)")


def _seeds_path(migrations: Migrations, seeds: Path | None) -> Path:
    return seeds or migrations.root / DEFAULT_SEEDS


def _seed(migrations: Migrations, path: Path, seed: SeedFunction) -> None:
    database = Database(migrations.settings, migrations.root)

    async def seed_and_close() -> None:
        try:
            await run_seed(database, seed, origin=f"seed() in {path}")
        finally:
            await database.dispose()

    with console.status("seeding..."):
        run_coroutine(seed_and_close)
    _say("seed data written")


@app.command(epilog="Example: shipyard db init")
@handle_errors
def init(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """Create the migrations folder (database.migrations_dir, default migrations/)."""
    migrations = _migrations(app_spec, profile)
    init_migrations(migrations.directory)
    _say(f"created {migrations.directory} (env.py, script.py.mako, versions/)")


@app.command(epilog='Example: shipyard db revision -m "add posts" --autogenerate')
@handle_errors
def revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the revision does.")],
    autogenerate: Annotated[
        bool, typer.Option("--autogenerate", help="Compare the models with the database.")
    ] = False,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Write a new migration script (with --autogenerate: from the model changes)."""
    migrations = _migrations(app_spec, profile)
    with console.status("comparing models with the database..." if autogenerate else "writing..."):
        path = migrations.revision(message, autogenerate=autogenerate)
    _say(f"wrote {path}" if path else "no changes detected in the models; nothing written")


@app.command(epilog="Example: shipyard db upgrade            (or: shipyard db upgrade +1)")
@handle_errors
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrations = _migrations(app_spec, profile)
    with console.status(escape(f"upgrading {_where(migrations)} to {revision}...")):
        migrations.upgrade(revision)
    _show_current(migrations)


@app.command(epilog="Example: shipyard db downgrade          (or: shipyard db downgrade base)")
@handle_errors
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "-1",
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Revert migrations down to REVISION (default: one step; base reverts all)."""
    migrations = _migrations(app_spec, profile)
    with console.status(escape(f"downgrading {_where(migrations)} to {revision}...")):
        migrations.downgrade(revision)
    _show_current(migrations)


@app.command(epilog="Example: shipyard db current --profile production")
@handle_errors
def current(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """Show the revision the database is at."""
    _show_current(_migrations(app_spec, profile))


@app.command(epilog="Example: shipyard db history")
@handle_errors
def history(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """List the migrations (the app's and its extensions' branches), newest first."""
    migrations = _migrations(app_spec, profile)
    scripts = migrations.history()
    if scripts:
        table = Table("revision", "branch", "parent", "message", "")
        for script in scripts:
            parents = script.down_revision
            parent = parents if isinstance(parents, str) else ", ".join(parents or ["base"])
            head = "head" if script.is_head else ""
            branch = migrations.branch_of(script)
            table.add_row(script.revision, branch, parent, escape(script.doc), head)
        console.print(table)
    if not any(migrations.branch_of(script) == "app" for script in scripts):
        _say('no app migrations yet; create one with shipyard db revision -m "..." --autogenerate')


@app.command(epilog="Example: shipyard db seed --seeds app/demo_seeds.py")
@handle_errors
def seed(
    seeds: SeedsOption = None, app_spec: AppOption = None, profile: ProfileOption = None
) -> None:
    """Run `async def seed(session)` from app/seeds.py, then commit."""
    migrations = _migrations(app_spec, profile)
    path = _seeds_path(migrations, seeds)
    _seed(migrations, path, load_seed(path))


@app.command(epilog="Example: shipyard db reset --yes --seed")
@handle_errors
def reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    with_seed: Annotated[bool, typer.Option("--seed", help="Run the seeds afterwards.")] = False,
    seeds: SeedsOption = None,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Revert every migration and apply them again (all migrated data is lost)."""
    migrations = _migrations(app_spec, profile)
    path = _seeds_path(migrations, seeds)
    seed_function = load_seed(path) if with_seed else None
    where = _where(migrations)
    if not yes and not typer.confirm(f"Erase all migrated data in {where}?", default=False):
        _say("reset cancelled; the database is unchanged")
        raise typer.Exit(1)
    with console.status(escape(f"resetting {where}...")):
        migrations.reset()
    _show_current(migrations)
    if seed_function is not None:
        _seed(migrations, path, seed_function)
