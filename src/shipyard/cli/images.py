"""``shipyard images``: the variants of stored images.

``shipyard images variants`` makes the variants every attachment slot declares for each
image attached to it, and stores them where the app keeps its files (the ``storage``
settings): after a variant is added to a slot, or images were attached without ``jobs=``,
the pages do not have to make them on their first view. Variants already stored are kept;
``--regenerate`` renders them all again (after a Pillow upgrade, or a bug fixed in a
spec). An image that cannot be decoded safely, or whose file is gone, is reported and
skipped.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from shipyard.attachments.variants import images_with_variants
from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.cli.storage import blob_tables_needed
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine
from shipyard.images import ImageRefused, stored_variants
from shipyard.storage import ObjectNotFound
from shipyard.storage.factory import storage_from_settings

app = typer.Typer(
    name="images",
    help="Variants of stored images (thumbnails, resized copies).\n\n"
    "Example: shipyard images variants",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False, soft_wrap=True)


@app.command("variants", epilog="Example: shipyard images variants --regenerate")
@handle_errors
def variants(
    regenerate: Annotated[
        bool,
        typer.Option("--regenerate", help="Render every variant again, even those already stored."),
    ] = False,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Make the declared variants of every attached image.

    Each slot's variants (``Attachment(variants={...})``) are made for every image
    attached to it and stored next to the image; variants already stored are kept
    unless --regenerate. Images refused (not decodable safely, or gone) are listed.
    """
    application = load_app(app_spec, profile=profile)
    settings = application.settings
    database = Database(settings.database, application.root)
    storage = storage_from_settings(settings, application.root)

    async def make() -> tuple[int, int, int]:
        try:
            async with database.sessionmaker() as session:
                images = await images_with_variants(session)
            made = refused = 0
            with Progress(console=console, disable=not console.is_terminal) as progress:
                task = progress.add_task("making variants", total=len(images))
                for blob, declared in images:
                    try:
                        await stored_variants(
                            storage, blob.key, declared, settings.images, regenerate=regenerate
                        )
                        made += len(declared)
                    except (ImageRefused, ObjectNotFound) as error:
                        refused += 1
                        console.print(
                            f"refused {blob.key}  {escape(blob.filename)}: {escape(error.message)}"
                        )
                    progress.advance(task)
            return len(images), made, refused
        finally:
            await storage.close()
            await database.dispose()

    with blob_tables_needed():
        count, made, refused = run_coroutine(make)
    state = "made again" if regenerate else "ready"
    console.print(f"{made} variant(s) of {count - refused} image(s) {state}, {refused} refused")
