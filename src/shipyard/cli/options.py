"""Command-line options shared by every command that works on the user's app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

AppOption = Annotated[
    str | None,
    typer.Option(
        "--app",
        help=escape(
            "The app as module:attribute (default: SHIPYARD_APP, [tool.shipyard] app "
            "in pyproject.toml, then app.main:app)."
        ),
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option("--profile", help="Settings profile (default: SHIPYARD_PROFILE or development)."),
]
