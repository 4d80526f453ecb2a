"""``shipyard check``: run the app's system checks and print what they found.

Each finding has a stable id (``db.W001``), a level, a message and a hint. The exit code
is 1 when a finding reaches ``--fail-level`` (errors by default), so CI can gate a
deployment on it: ``shipyard check --deploy --fail-level warning``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shipyard.cli.errors import handle_errors
from shipyard.core.checks import Finding, Level, run_checks
from shipyard.core.discovery import load_app

console = Console(highlight=False)
_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def register(cli: typer.Typer) -> None:
    """Add ``check`` to the root command."""
    cli.command("check", epilog="Example: shipyard check --deploy --silence db.W001")(
        handle_errors(check)
    )


def check(
    app: Annotated[str | None, typer.Option("--app", help="The app as module:attribute.")] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Settings profile to load the app with.")
    ] = None,
    deploy: Annotated[
        bool,
        typer.Option(
            "--deploy", help="Also run the going-live checks (on by default in production)."
        ),
    ] = False,
    silence: Annotated[
        list[str] | None,
        typer.Option("--silence", help="A check id to leave out (repeatable)."),
    ] = None,
    fail_level: Annotated[
        str, typer.Option("--fail-level", help="error (default), warning or info.")
    ] = "error",
) -> None:
    """Run the system checks of the app and its extensions; exit 1 on serious findings."""
    if fail_level not in _STYLE:
        raise typer.BadParameter("use error, warning or info", param_hint="--fail-level")
    level: Level = fail_level  # type: ignore[assignment]  # checked just above
    application = load_app(app, profile=profile)
    findings = run_checks(application, deploy=deploy or None, silenced=silence or ())
    if not findings:
        console.print("[green]No issues found.[/]")
        return
    if deploy:
        _print_checklist(findings)
    else:
        _print_table(findings)
    serious = [finding for finding in findings if finding.at_least(level)]
    console.print(f"{len(findings)} finding(s), {len(serious)} at or above {level}.")
    if serious:
        raise typer.Exit(1)


def _print_table(findings: list[Finding]) -> None:
    table = Table()
    for column in ("Id", "Level", "Finding", "Fix"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        style = _STYLE[finding.level]
        level_cell = f"[{style}]{finding.level}[/]"
        table.add_row(escape(finding.id), level_cell, escape(finding.message), escape(finding.hint))
    console.print(table)


def _print_checklist(findings: list[Finding]) -> None:
    """``--deploy``: what is left before going live, one box each with its fix."""
    console.print(f"Before going live ({len(findings)} left):")
    for finding in findings:
        style = _STYLE[finding.level]
        console.print(
            f"[ ] [{style}]{finding.level}[/] {escape(finding.id)}: {escape(finding.message)}"
        )
        if finding.hint:
            console.print(f"    fix: {escape(finding.hint)}")
