"""String sources: environment variables, the ``.env`` file and the secrets directory.

Names map onto settings case-insensitively: ``SHIPYARD_DATABASE__URL`` (``__`` nests), a
``.env`` line with the same name, or a secrets-dir file called ``database__url`` or
``database.url``. Values for list, dict and section fields are JSON. Names whose first part
is no settings field (``SHIPYARD_REQUIRE_SERVICES``...) and names of whole sections
(``SHIPYARD_APP``, the CLI's app path) are left alone, since other tools share the prefix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import BaseModel

from shipyard.config import schema
from shipyard.config.errors import ConfigError, Problem
from shipyard.config.sources import Layer, Source

PREFIX = "SHIPYARD_"
PROFILE_VAR = "SHIPYARD_PROFILE"
SECRETS_DIR_VAR = "SHIPYARD_SECRETS_DIR"
_RESERVED = {PROFILE_VAR, SECRETS_DIR_VAR}
_DOTENV_NAME = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=")


def shipyard_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``SHIPYARD_*`` entries of a mapping (prefix matched case-insensitively)."""
    return {name: value for name, value in environ.items() if name.upper().startswith(PREFIX)}


def read_dotenv(path: Path) -> tuple[dict[str, str], dict[str, Source]]:
    """The ``SHIPYARD_*`` variables of a ``.env`` file and the line each is set on."""
    if not path.is_file():
        return {}, {}
    try:
        raw = dotenv_values(path, interpolate=False)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(f"cannot read the .env file: {exc}", source=str(path))]) from exc
    values = {name: value for name, value in raw.items() if value is not None}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = _DOTENV_NAME.match(line)
        if found:
            lines[found.group(1)] = number
    chosen = shipyard_variables(values)
    sources = {
        name: Source("dotenv", path=path, line=lines.get(name), name=name) for name in chosen
    }
    return chosen, sources


def variables_layer(
    variables: Mapping[str, str],
    settings_class: type[BaseModel],
    source_of: Mapping[str, Source],
    problems: list[Problem],
    root: Path,
) -> Layer:
    """Turn ``SHIPYARD_*`` variables into a layer; ``source_of`` gives each name's source."""
    layer = Layer()
    for name, value in sorted(variables.items()):
        if name.upper() in _RESERVED:
            continue
        parts = name[len(PREFIX) :].split("__")
        _place(layer, parts, value, settings_class, source_of[name], problems, root)
    return layer


def secrets_dir_layer(
    directory: Path, settings_class: type[BaseModel], problems: list[Problem], root: Path
) -> Layer:
    """One file per key (``database__url`` or ``database.url``), content stripped."""
    layer = Layer()
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        source = Source("secrets_dir", path=entry)
        try:
            value = entry.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(f"cannot read secret file: {exc}", source=source.describe()))
            continue
        separator = "__" if "__" in entry.name else "."
        _place(layer, entry.name.split(separator), value, settings_class, source, problems, root)
    return layer


def _place(
    layer: Layer,
    parts: list[str],
    value: str,
    settings_class: type[BaseModel],
    source: Source,
    problems: list[Problem],
    root: Path,
) -> None:
    if not all(parts):
        return
    found = schema.resolve(settings_class, parts)
    if found is None:
        return
    path, annotation = found
    if path == ("profile",) or (len(path) == 1 and schema.model_of(annotation) is not None):
        return
    parsed: Any = value
    if schema.wants_json(annotation):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    f'expected a JSON value (e.g. ["a", "b"] or {{"k": "v"}}): {exc.msg}',
                    key=".".join(path),
                    source=source.describe(root),
                )
            )
            return
    layer.set(path, parsed, source)
