"""``shipyard uploads``: check files as an upload route would.

``shipyard uploads check photo.png report.pdf --types image/png,application/pdf`` prints
each file's type (from its bytes), size and SHA-256, then refuses it as
:meth:`~shipyard.uploads.UploadedFile.validate` would (type, programs, truncation,
polyglots) and scans it with the app's ``uploads.clamd`` when set; exits 1 if any file is
refused or could not be scanned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from shipyard.cli.errors import fail, handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.migrations import run_coroutine
from shipyard.uploads.errors import UploadRefused
from shipyard.uploads.files import UploadedFile
from shipyard.uploads.scan import Clamd, ScannerUnavailable, ScanResult

app = typer.Typer(
    name="uploads",
    help="File uploads.\n\nExample: shipyard uploads check photo.png --types image/png",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False, soft_wrap=True)


@app.command("check")
@handle_errors
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(help="The files to check.", exists=True, dir_okay=False, readable=True),
    ],
    types: Annotated[
        str | None,
        typer.Option("--types", help="Accepted media types, comma-separated (image/* works)."),
    ] = None,
    scan: Annotated[
        bool, typer.Option("--scan/--no-scan", help="Scan with uploads.clamd when it is set.")
    ] = True,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Check files as an upload route would: type from the bytes, structure, virus scan.

    Example: shipyard uploads check photo.png --types image/png,image/jpeg
    """
    settings = load_app(app_spec, profile=profile).settings.uploads
    accepted = [kind.strip() for kind in types.split(",")] if types else None
    scanner = (
        Clamd(settings.clamd, timeout=settings.scan_timeout) if scan and settings.clamd else None
    )
    refused = 0
    for path in paths:
        with path.open("rb") as file:
            upload = UploadedFile.from_local(file, path.name)
            facts = f"{upload.content_type}, {upload.size} bytes, sha256 {upload.sha256}"
            try:
                upload.validate(types=accepted)
                verdict = _scan(scanner, upload) if scanner else "not scanned"
            except UploadRefused as refusal:
                refused += 1
                verdict = f"[red]refused[/]: {escape(str(refusal.detail))}"
        console.print(f"{escape(str(path))}: {escape(facts)}: {verdict}")
    if refused:
        raise fail(f"{refused} of {len(paths)} files refused")


def _scan(scanner: Clamd, upload: UploadedFile) -> str:
    async def scan() -> ScanResult:
        return await scanner.scan(upload.file)

    try:
        result = run_coroutine(scan)
    except ScannerUnavailable as error:
        raise UploadRefused(503, str(error)) from error
    if not result.clean:
        raise UploadRefused(422, f"the virus scan found {result.signature}")
    return "[green]clean[/]"
