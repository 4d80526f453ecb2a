"""``shipyard mail``: check that the configured mail backend delivers; see and edit the
suppression list (``suppressed``, ``unsuppress``).

``shipyard mail send-test you@example.com`` renders :class:`~shipyard.mail.check.MailCheck`
and sends it now through ``mail.backend`` (no queue), so a wrong host, port, TLS mode or
password shows up at once as one ``error:`` line naming the setting, with exit code 1.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.cli.accounts import in_transaction
from shipyard.cli.errors import fail, handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.app import AppBase
from shipyard.core.discovery import load_app
from shipyard.db.migrations import run_coroutine
from shipyard.jobs.mail.suppressions import Suppression, list_suppressions, unsuppress
from shipyard.mail import get_mailer
from shipyard.mail.check import MailCheck

app = typer.Typer(
    name="mail",
    help="Outgoing mail: a test send, the suppression list.\n\n"
    "Example: shipyard mail send-test you@example.com",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False, stderr=True)

NOT_DELIVERED = {
    "console": "printed it to standard output",
    "memory": "kept it in memory",
    "file": "wrote it as an .eml file in mail.file_dir",
}
"""Backends that do not deliver, and what they did instead."""


@app.command("send-test")
@handle_errors
def send_test(
    to: Annotated[str, typer.Argument(help="Where to send the test mail.")],
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Send a test mail now through the configured backend (mail.backend).

    Example: shipyard mail send-test you@example.com --profile production
    """
    if "@" not in to or any(char in to for char in "\r\n,;<> "):
        raise fail(f"{to!r} is not one email address (name@example.com)")
    application = load_app(app_spec, profile=profile)
    settings = application.settings.mail
    message = MailCheck.for_backend(to, settings.backend).render(application)

    async def send() -> str | None:
        return await get_mailer(application).send(message)

    provider_id = run_coroutine(send)
    where: str = settings.backend
    if settings.backend == "smtp":
        where = f"smtp ({settings.smtp.host}:{settings.smtp.effective_port})"
    console.print(f"sent a test mail to {escape(to)} through the {escape(where)} backend")
    if provider_id:
        console.print(f"the provider's message id: {escape(provider_id)}")
    if settings.backend in NOT_DELIVERED:
        console.print(
            f"[yellow]note:[/] the {settings.backend} backend {NOT_DELIVERED[settings.backend]}"
            f'; nothing was delivered. Set mail.backend = "smtp" (or "ses", "sendgrid", '
            '"resend", "postmark") to send real mail.',
            markup=True,
        )


@app.command("suppressed")
@handle_errors
def suppressed(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """List the addresses mail is not sent to (they hard-bounced or complained).

    Example: shipyard mail suppressed
    """

    async def work(application: AppBase, session: AsyncSession) -> list[Suppression]:
        return await list_suppressions(session)

    found = in_transaction(app_spec, profile, work)
    if not found:
        console.print("no address is suppressed")
        return
    table = Table("address", "reason", "reported by", "since", "detail")
    for item in found:
        table.add_row(
            escape(item.address),
            item.reason,
            escape(item.source),
            item.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            escape(item.detail or ""),
        )
    Console(highlight=False).print(table)


@app.command("unsuppress")
@handle_errors
def unsuppress_address(
    address: Annotated[str, typer.Argument(help="The address to mail again.")],
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Take an address off the suppression list, so queued mail is sent to it again.

    Example: shipyard mail unsuppress ann@example.com
    """

    async def work(application: AppBase, session: AsyncSession) -> bool:
        return await unsuppress(session, address)

    if not in_transaction(app_spec, profile, work):
        raise fail(f"{address!r} is not on the suppression list (see: shipyard mail suppressed)")
    console.print(f"{escape(address)} is no longer suppressed: mail is sent to it again")
