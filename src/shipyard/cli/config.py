"""``shipyard config``: validate the settings (``check``) and print them with sources (``show``).

Both commands only load settings (files, ``.env``, environment, secrets); they never start
or even import the app. An app with its own ``Settings`` subclass names it with
``--settings module:Class`` or ``[tool.shipyard] settings = "module:Class"`` in pyproject.
"""

from __future__ import annotations

import importlib
import json
import sys
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shipyard.cli.errors import handle_errors
from shipyard.cli.options import ProfileOption
from shipyard.config import ConfigError, Settings, SettingsHolder, redacted
from shipyard.config.reference import settings_reference
from shipyard.errors import ShipyardError

app = typer.Typer(
    name="config",
    help="Validate and inspect the app's settings.\n\nExample: shipyard config check",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


class OutputFormat(StrEnum):
    """How a command prints its result."""

    text = "text"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text or json.")]
RootOption = Annotated[
    Path,
    typer.Option("--root", help="Project directory holding config/ and .env.", file_okay=False),
]
SettingsOption = Annotated[
    str | None,
    typer.Option(
        "--settings",
        help="Settings class as module:Class (default: pyproject \\[tool.shipyard] settings).",
    ),
]


@app.command()
@handle_errors
def check(
    profile: ProfileOption = None,
    output: FormatOption = OutputFormat.text,
    root: RootOption = Path(),
    settings: SettingsOption = None,
) -> None:
    """Validate the configuration without starting the app; exit 1 with a report if invalid.

    Example: shipyard config check --profile production --format json
    """
    try:
        holder = _load(root, profile, settings)
    except ConfigError as error:
        _report(error, output)
        raise typer.Exit(1) from None
    chosen = holder.current.profile
    if output is OutputFormat.json:
        typer.echo(json.dumps({"ok": True, "profile": chosen, "errors": []}))
    else:
        _console().print(Text(f"configuration OK (profile {chosen})", style="green"))
        _console().print(
            "The settings load; whether they are fit to go live is `shipyard check --deploy`'s "
            "question (console mail, SQLite, per-process rate limits, proxies, CSP...)."
        )


@app.command()
@handle_errors
def show(
    profile: ProfileOption = None,
    output: FormatOption = OutputFormat.text,
    root: RootOption = Path(),
    settings: SettingsOption = None,
) -> None:
    """Print the effective settings with the source of each value; secrets are redacted.

    Example: shipyard config show --profile production
    """
    try:
        holder = _load(root, profile, settings)
    except ConfigError as error:
        _report(error, output)
        raise typer.Exit(1) from None
    values = redacted(holder.current)
    project = holder.root
    sources = {key: holder.provenance[key].describe(project) for key in values}
    if output is OutputFormat.json:
        rows = {key: {"value": values[key], "source": sources[key]} for key in values}
        typer.echo(json.dumps({"profile": holder.current.profile, "settings": rows}, indent=2))
        return
    table = Table(title=f"settings (profile {holder.current.profile})")
    for column in ("key", "value", "source"):
        table.add_column(column)
    for key, value in values.items():
        shown = value if isinstance(value, str) else json.dumps(value)
        table.add_row(Text(key), Text(shown), Text(sources[key], style="dim"))
    _console().print(table)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _load(root: Path, profile: str | None, spec: str | None) -> SettingsHolder:
    if not root.is_dir():
        raise ShipyardError(f"project directory {root} does not exist", hint="fix --root")
    return SettingsHolder.load(root, profile, settings_class=_settings_class(root, spec))


def _report(error: ConfigError, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        errors = [problem.as_dict() for problem in error.problems]
        typer.echo(json.dumps({"ok": False, "profile": error.profile, "errors": errors}))
        return
    console = _console()
    label = f" (profile {error.profile})" if error.profile else ""
    console.print(Text(f"configuration invalid{label}:", style="bold red"))
    for problem in error.problems:
        console.print(Text(f"  {problem}"))
    if error.hint:
        console.print(Text(f"hint: {error.hint}", style="dim"))


def _settings_class(root: Path, spec: str | None) -> type[Settings]:
    spec = spec or _pyproject_settings(root)
    if spec is None:
        return Settings
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ShipyardError(
            f"settings class {spec!r} is not module:Class", hint="e.g. app.settings:AppSettings"
        )
    sys.path.insert(0, str(root.resolve()))
    try:
        found: Any = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ShipyardError(
            f"cannot import settings class {spec!r}: {exc}", hint="fix --settings"
        ) from None
    finally:
        sys.path.remove(str(root.resolve()))
    if not (isinstance(found, type) and issubclass(found, Settings)):
        raise ShipyardError(
            f"{spec!r} is not a Settings subclass", hint="point it at your Settings class"
        )
    return found


def _pyproject_settings(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ShipyardError(f"cannot read {path}: {exc}", hint="fix pyproject.toml") from None
    value = data.get("tool", {}).get("shipyard", {}).get("settings")
    return value if isinstance(value, str) else None


@app.command()
@handle_errors
def reference() -> None:
    """Print every settings key (type, default, environment variable) as Markdown.

    Example: shipyard config reference > docs/settings-reference.md
    """
    typer.echo(settings_reference(), nl=False)
