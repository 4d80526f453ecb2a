"""``shipyard notifications``: housekeeping of the in-app notifications table.

``shipyard notifications prune --days 90`` deletes the notifications users read more
than 90 days ago (unread ones are kept, however old); run it from cron or a scheduled
job. It prints how many rows went.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine
from shipyard.notifications.store import delete_read_before

app = typer.Typer(
    name="notifications",
    help="In-app notifications.\n\nExample: shipyard notifications prune --days 90",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False, stderr=True)


@app.command("prune")
@handle_errors
def prune(
    days: Annotated[
        int,
        typer.Option("--days", min=1, max=36500, help="Delete read notifications older than this."),
    ] = 90,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Delete the notifications read more than DAYS days ago (unread ones stay).

    Example: shipyard notifications prune --days 30 --profile production
    """
    application = load_app(app_spec, profile=profile)
    database = Database(application.settings.database, application.root)

    async def delete() -> int:
        try:
            async with database.sessionmaker() as session, session.begin():
                return await delete_read_before(session, timedelta(days=days))
        finally:
            await database.dispose()

    console.print(f"deleted {run_coroutine(delete)} notification(s) read more than {days} days ago")
