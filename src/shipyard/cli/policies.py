"""``shipyard policies``: the app's authorization policies, their rules, and which roles
may do everything."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.authz.overview import PolicyOverview, overview
from shipyard.authz.roles import list_roles
from shipyard.cli.accounts import in_transaction
from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.app import AppBase

console = Console(highlight=False)


def register(cli: typer.Typer) -> None:
    """Add ``policies`` to the root command."""
    cli.command("policies", epilog="Example: shipyard policies --app app.main:app")(
        handle_errors(policies_command)
    )


def policies_command(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """List each model's policy: its actions and their rules, how a denial answers, the
    token scopes it needs, and the roles allowed every action (by its ``before`` hook).

    Loads the app (so its policies are declared) and reads the roles from its database.
    """

    async def work(_: AppBase, session: AsyncSession) -> list[PolicyOverview]:
        return overview(await list_roles(session))

    found = in_transaction(app_spec, profile, work)
    if not found:
        console.print("no policies: every model is denied (authz.missing_policy decides)")
        return
    for item in found:
        console.print(
            f"[bold]{escape(item.model)}[/]: {escape(item.policy)}; denied: {item.deny_status}; "
            f"token scopes: {escape(item.resource)}:<action> (view: {escape(item.resource)}:read)"
        )
        table = Table("action", "rule")
        for action, rule in item.rules:
            table.add_row(escape(action), escape(rule))
        console.print(table)
        roles = ", ".join(item.unrestricted_roles) or "none"
        console.print(f"roles allowed every action: {escape(roles)}\n")
