"""How CLI commands report user-fixable problems: one line on stderr and a non-zero exit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from shipyard.errors import ShipyardError

P = ParamSpec("P")
R = TypeVar("R")

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(error: ShipyardError | str, code: int = 1) -> typer.Exit:
    """Print ``error: <message>`` (and its hint) on one line; return the Exit to raise.

    The message is printed literally: the values it quotes (a project name, a path, an
    app spec) are the user's, so brackets in them are text, never Rich markup.
    """
    stderr.print(f"[bold red]error:[/] {escape(str(error))}", markup=True)
    return typer.Exit(code)


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so a ShipyardError becomes one clear line and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ShipyardError as error:
            raise fail(error) from None

    return wrapper
