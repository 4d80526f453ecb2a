"""``shipyard users``: create, promote, deactivate and list user accounts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.models import User
from shipyard.auth.users import create_user, find_by_email, user_model
from shipyard.authz.roles import assign_role, make_admin
from shipyard.cli.accounts import in_transaction
from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.app import AppBase
from shipyard.errors import ShipyardError

app = typer.Typer(
    name="users",
    help="Manage user accounts.\n\nExample: shipyard users create ann@example.com --admin",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False)


async def _user(application: AppBase, session: AsyncSession, email: str) -> User:
    user = await find_by_email(session, email, user_model(application))
    if user is None:
        raise ShipyardError(f"no user with the email {email!r}", hint="see `shipyard users list`")
    return user


@app.command("create")
@handle_errors
def create(
    email: Annotated[str, typer.Argument(help="The new account's email address.")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            "-p",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="The password (prompted for when missing).",
        ),
    ],
    admin: Annotated[
        bool, typer.Option("--admin", help="Give the account the admin role (*).")
    ] = False,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Create an account (verified, active).

    Example: shipyard users create ann@example.com --admin
    """

    async def work(application: AppBase, session: AsyncSession) -> str:
        settings = application.settings.auth
        user = await create_user(
            session, email, password, settings, model=user_model(application), is_verified=True
        )
        if admin:
            await make_admin(session, user)
        return user.email

    created = in_transaction(app_spec, profile, work)
    console.print(f"created {escape(created)}" + (" (admin)" if admin else ""))


@app.command("promote")
@handle_errors
def promote(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    role: Annotated[str, typer.Option("--role", "-r", help="The role to give.")],
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Give an account a role.

    Example: shipyard users promote ann@example.com --role editor
    """

    async def work(application: AppBase, session: AsyncSession) -> None:
        await assign_role(session, await _user(application, session, email), role)

    in_transaction(app_spec, profile, work)
    console.print(f"{escape(email)} now has the role {escape(role)}")


@app.command("deactivate")
@handle_errors
def deactivate(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Deactivate an account: it can no longer sign in by any method.

    Example: shipyard users deactivate ann@example.com
    """

    async def work(application: AppBase, session: AsyncSession) -> None:
        (await _user(application, session, email)).is_active = False

    in_transaction(app_spec, profile, work)
    console.print(f"deactivated {escape(email)}")


@app.command("list")
@handle_errors
def list_users(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """List accounts with their roles.

    Example: shipyard users list
    """

    async def work(
        application: AppBase, session: AsyncSession
    ) -> list[tuple[str, bool, bool, str]]:
        model = user_model(application)
        users = (await session.scalars(select(model).order_by(model.email))).all()
        return [
            (user.email, user.is_active, user.is_verified, ", ".join(r.name for r in user.roles))
            for user in users
        ]

    rows = in_transaction(app_spec, profile, work)
    table = Table("email", "active", "verified", "roles")
    for email, active, verified, roles in rows:
        table.add_row(
            escape(email), "yes" if active else "no", "yes" if verified else "no", escape(roles)
        )
    console.print(table)
