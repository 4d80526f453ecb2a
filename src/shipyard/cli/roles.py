"""``shipyard roles``: create roles, grant and revoke permissions, list, deactivate."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.authz.roles import (
    create_role,
    grant_permission,
    list_roles,
    revoke_permission,
    set_role_active,
)
from shipyard.cli.accounts import in_transaction
from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.app import AppBase

app = typer.Typer(
    name="roles",
    help="Manage roles and their permissions.\n\n"
    "Example: shipyard roles create editor --permission 'posts:*'",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False)

NameArgument = Annotated[str, typer.Argument(help="The role's name.")]
PermissionArgument = Annotated[str, typer.Argument(help='A permission, e.g. "posts:create".')]


@app.command("create")
@handle_errors
def create(
    name: NameArgument,
    permission: Annotated[
        list[str] | None,
        typer.Option("--permission", "-p", help="A permission it grants (repeatable)."),
    ] = None,
    description: Annotated[str, typer.Option(help="What the role is for.")] = "",
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Create a role.

    Example: shipyard roles create editor --permission 'posts:*' --permission '*:read'
    """

    async def work(_: AppBase, session: AsyncSession) -> None:
        await create_role(session, name, permission or [], description=description)

    in_transaction(app_spec, profile, work)
    console.print(f"created role {escape(name)}")


@app.command("grant")
@handle_errors
def grant(
    name: NameArgument,
    permission: PermissionArgument,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Add a permission to a role.

    Example: shipyard roles grant editor comments:delete
    """

    async def work(_: AppBase, session: AsyncSession) -> None:
        await grant_permission(session, name, permission)

    in_transaction(app_spec, profile, work)
    console.print(f"{escape(name)} now grants {escape(permission)}")


@app.command("revoke")
@handle_errors
def revoke(
    name: NameArgument,
    permission: PermissionArgument,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Remove a permission from a role.

    Example: shipyard roles revoke editor comments:delete
    """

    async def work(_: AppBase, session: AsyncSession) -> None:
        await revoke_permission(session, name, permission)

    in_transaction(app_spec, profile, work)
    console.print(f"{escape(name)} no longer grants {escape(permission)}")


@app.command("deactivate")
@handle_errors
def deactivate(
    name: NameArgument, app_spec: AppOption = None, profile: ProfileOption = None
) -> None:
    """Deactivate a role: it grants nothing until reactivated.

    Example: shipyard roles deactivate editor
    """

    async def work(_: AppBase, session: AsyncSession) -> None:
        await set_role_active(session, name, False)

    in_transaction(app_spec, profile, work)
    console.print(f"deactivated role {escape(name)}")


@app.command("list")
@handle_errors
def list_command(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """List roles with their permissions.

    Example: shipyard roles list
    """

    async def work(_: AppBase, session: AsyncSession) -> list[tuple[str, bool, str]]:
        roles = await list_roles(session)
        return [(role.name, role.is_active, " ".join(role.permissions)) for role in roles]

    table = Table("role", "active", "permissions")
    for name, active, permissions in in_transaction(app_spec, profile, work):
        table.add_row(escape(name), "yes" if active else "no", escape(permissions))
    console.print(table)
