"""``shipyard routes``: list the app's routes (methods, path, name, handler).

Mounted applications (static files, sub-apps) are listed too; a mounted router's own
routes appear under the mount's path prefix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Annotated, Any

import fastapi.routing
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from starlette.routing import BaseRoute, Host, Mount, WebSocketRoute

from shipyard.cli.errors import handle_errors
from shipyard.core.discovery import load_app

console = Console(highlight=False)


class OutputFormat(StrEnum):
    """How ``shipyard routes`` prints."""

    table = "table"
    json = "json"


@dataclass(frozen=True)
class RouteInfo:
    """One line of the listing."""

    methods: list[str]
    path: str
    name: str
    handler: str


def register(cli: typer.Typer) -> None:
    """Add ``routes`` to the root command."""
    cli.command("routes", epilog="Example: shipyard routes --format json")(handle_errors(routes))


def routes(
    app: Annotated[str | None, typer.Option("--app", help="The app as module:attribute.")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table (default) or json.")
    ] = OutputFormat.table,
) -> None:
    """List every route of the app: methods, path, name and handler, sorted by path."""
    found = collect_routes(load_app(app).routes)
    if output is OutputFormat.json:
        typer.echo(json.dumps([asdict(route) for route in found], indent=2))
        return
    table = Table()
    for column in ("Methods", "Path", "Name", "Handler"):
        table.add_column(column, overflow="fold")
    for route in found:
        cells = (", ".join(route.methods), route.path, route.name, route.handler)
        table.add_row(*map(escape, cells))
    console.print(table)


def collect_routes(routes: Iterable[BaseRoute], prefix: str = "") -> list[RouteInfo]:
    """Every route (recursing into mounted routers), sorted by path then methods."""
    return sorted(_walk(routes, prefix), key=lambda route: (route.path, route.methods))


def _walk(routes: Iterable[BaseRoute], prefix: str) -> Iterator[RouteInfo]:
    for route in _resolved(routes):
        original = getattr(route, "original_route", route)
        path = prefix + (getattr(route, "path", None) or "")
        name = getattr(route, "name", None) or ""
        if isinstance(original, Mount):
            if original.routes:
                yield from _walk(original.routes, path)
            else:
                yield RouteInfo(["MOUNT"], path or "/", name, _qualified(original.app))
        elif isinstance(original, Host):
            yield from _walk(original.routes, prefix)
        elif isinstance(original, WebSocketRoute):
            yield RouteInfo(["WS"], path, name, _qualified(route.endpoint))
        else:
            methods = sorted(getattr(route, "methods", None) or ["ANY"])
            endpoint = getattr(route, "endpoint", None) or original
            yield RouteInfo(methods, path, name, _qualified(endpoint))


def _resolved(routes: Iterable[BaseRoute]) -> Iterable[Any]:
    """The routes with included routers expanded.

    Recent FastAPI versions include routers lazily (``app.routes`` holds the included
    router, not its routes); ``fastapi.routing.iter_route_contexts`` resolves them into
    objects with the effective path, name, methods and endpoint. Older versions copy the
    routes at include time, so ``routes`` is already flat there.
    """
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    return iterate(list(routes)) if iterate is not None else routes


def _qualified(target: Any) -> str:
    """``module:qualname`` of a function or class (or of an instance's class)."""
    if not hasattr(target, "__qualname__"):
        target = type(target)
    return f"{target.__module__}:{target.__qualname__}"
