"""``shipyard storage``: housekeeping of stored files.

``shipyard storage orphans`` finds the files nothing references (blob rows without a
record, stored objects without a blob row) that are older than ``--grace-hours`` and
deletes them; ``--dry-run`` only lists them. It reads the app's ``storage`` settings
(the same store the app writes to) and its database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from sqlalchemy.exc import DBAPIError

from shipyard.attachments.orphans import delete_orphans, find_orphans
from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine
from shipyard.errors import ShipyardError
from shipyard.storage.factory import storage_from_settings

app = typer.Typer(
    name="storage",
    help="Stored files and attachments.\n\nExample: shipyard storage orphans --dry-run",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False, soft_wrap=True)


@contextmanager
def blob_tables_needed() -> Iterator[None]:
    """A database error in the block names the fix: the attachments tables are missing."""
    try:
        yield
    except DBAPIError as error:
        raise ShipyardError(
            f"the blob tables cannot be read: {error.orig}",
            hint="add AttachmentsExtension() to the app and run shipyard db upgrade",
        ) from None


@app.command("orphans", epilog="Example: shipyard storage orphans --grace-hours 48 --dry-run")
@handle_errors
def orphans(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the orphans; delete nothing.")
    ] = False,
    grace_hours: Annotated[
        float,
        typer.Option(
            "--grace-hours",
            min=0,
            help="Leave files younger than this alone (an upload may be stored before its "
            "record is saved).",
        ),
    ] = 24,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Find, and delete, stored files that no record references.

    An orphan is a blob row no attachment points at (its record was deleted in bulk,
    bypassing the ORM) or a stored object no blob row names (the transaction that
    stored it rolled back).
    """
    application = load_app(app_spec, profile=profile)
    database = Database(application.settings.database, application.root)
    storage = storage_from_settings(application.settings, application.root)

    async def sweep() -> tuple[int, int]:
        try:
            with Progress(
                console=console, transient=True, disable=not console.is_terminal
            ) as progress:
                task = progress.add_task("looking at stored files", total=None)
                async with database.sessionmaker() as session, session.begin():
                    found = await find_orphans(
                        session,
                        storage,
                        grace=timedelta(hours=grace_hours),
                        progress=lambda n: progress.advance(task, n),
                    )
                    for blob in found.blobs:
                        console.print(
                            f"blob {blob.key}  {escape(blob.filename)}  {blob.byte_size} bytes"
                        )
                    for key in found.objects:
                        console.print(f"object {key}  (no blob row)")
                    if dry_run or not found:
                        return len(found), 0
                    progress.update(task, description="deleting orphans", total=len(found))
                    progress.reset(task, total=len(found))
                    deleted = await delete_orphans(
                        session, storage, found, progress=lambda n: progress.advance(task, n)
                    )
                    return len(found), deleted
        finally:
            await storage.close()
            await database.dispose()

    with blob_tables_needed():
        found, deleted = run_coroutine(sweep)
    if dry_run:
        console.print(f"{found} orphan(s) found; nothing deleted (--dry-run)")
    else:
        console.print(f"{found} orphan(s) found, {deleted} deleted")
