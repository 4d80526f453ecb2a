"""The root `shipyard` command: assembles the command groups and reports errors.

Built-in groups come from the sibling modules; installed plugins add theirs through the
``shipyard.plugins`` entry points (an Extension whose ``cli()`` returns a typer group).
"""

from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

from shipyard.cli import cache as cache_commands
from shipyard.cli import check as check_command
from shipyard.cli import config as config_commands
from shipyard.cli import db as db_commands
from shipyard.cli import images as images_commands
from shipyard.cli import jobs as jobs_commands
from shipyard.cli import mail as mail_commands
from shipyard.cli import notifications as notifications_commands
from shipyard.cli import policies as policies_commands
from shipyard.cli import project, server
from shipyard.cli import realtime as realtime_commands
from shipyard.cli import roles as roles_commands
from shipyard.cli import scaffold as scaffold_commands
from shipyard.cli import storage as storage_commands
from shipyard.cli import uploads as uploads_commands
from shipyard.cli import users as users_commands
from shipyard.cli.errors import fail, stderr
from shipyard.errors import ShipyardError
from shipyard.extension import discover_plugins

DEBUG_ENV = "SHIPYARD_DEBUG"


def build_cli() -> typer.Typer:
    """The root command with every built-in group (plugins are added by ``run``)."""
    root = typer.Typer(
        name="shipyard",
        help="Shipyard: build, run and manage Shipyard apps.\n\nExample: shipyard new blog",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
    )
    root.add_typer(config_commands.app, name="config")
    root.add_typer(db_commands.app, name="db")
    root.add_typer(cache_commands.app, name="cache")
    root.add_typer(images_commands.app, name="images")
    root.add_typer(jobs_commands.app, name="jobs")
    root.add_typer(mail_commands.app, name="mail")
    root.add_typer(notifications_commands.app, name="notifications")
    root.add_typer(realtime_commands.app, name="realtime")
    root.add_typer(storage_commands.app, name="storage")
    root.add_typer(uploads_commands.app, name="uploads")
    root.add_typer(users_commands.app, name="users")
    root.add_typer(roles_commands.app, name="roles")
    project.register(root)
    server.register(root)
    check_command.register(root)
    scaffold_commands.register(root)
    policies_commands.register(root)
    return root


def add_plugin_groups(root: typer.Typer) -> None:
    """Add the command group of every installed plugin that has one."""
    try:
        plugins = discover_plugins()
    except ShipyardError as error:
        stderr.print(f"[yellow]warning:[/] {escape(str(error))}")
        return
    for plugin in plugins:
        group = plugin.cli()
        if group is not None:
            root.add_typer(group, name=group.info.name or plugin.label)


cli = build_cli()


def run() -> None:
    """Console-script entry point: run the CLI; errors become one line and exit code 1."""
    add_plugin_groups(cli)
    try:
        cli()
    except ShipyardError as error:
        raise SystemExit(fail(error).exit_code) from None
    except Exception as error:  # a bug, not a user error: one line unless debugging
        if os.environ.get(DEBUG_ENV):
            raise
        stderr.print(
            f"[bold red]error:[/] unexpected {type(error).__name__}: {escape(str(error))} "
            f"(set {DEBUG_ENV}=1 to see the traceback)"
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
